using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataForge.Captions;
using DataForge.Cli;
using DataForge.Core;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Interleaved;
using DataForge.Packing;
using DataForge.SegEdit;
using DataForge.Speech;
using DataForge.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataForge.Cli.Tests;

/// <summary>
/// The stage contract, checked over the whole registry the CLI ships: options declared and documented, reasons
/// catalogued and used only through the catalogue, generated references fresh, and every part kind either passing
/// each stage or rejected with a reason.
/// </summary>
public sealed partial class StageContractTests : IDisposable
{
    private static readonly StageRegistry Registry = DataForgeApp.Registry();

    private static readonly IReadOnlyList<RejectReason> Catalogue =
    [
        .. CoreRejectReasons.All, .. DataForge.Core.Stages.ReadTable.TableRejectReasons.All, .. DataForge.Core.Stages.ReadChat.ChatRejectReasons.All, .. DataForge.Core.Stages.ReadWebDataset.WebDatasetRejectReasons.All, .. DataForge.Core.Fetch.FetchRejectReasons.All, .. InterleaveRejectReasons.All, .. CaptionRejectReasons.All,
        .. PackRejectReasons.All, .. Seg2EditRejectReasons.All, .. AsrRejectReasons.All, .. DataForge.Video.VideoRejectReasons.All,
    ];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_stage_documents_its_options_and_declares_only_catalogued_reasons()
    {
        Assert.Equal(Catalogue.Count, Catalogue.Select(reason => reason.Code).Distinct().Count());
        foreach (var definition in Registry.Definitions)
        {
            Assert.False(string.IsNullOrWhiteSpace(definition.Summary), definition.Name);
            foreach (var option in definition.Options)
            {
                Assert.True(option.Description.Length >= 10, $"{definition.Name}.{option.Name}: '{option.Description}' is no description");
                Assert.Matches("^(string|integer|number|boolean|list of strings|list of numbers|list of mappings|mapping|mapping of strings|mapping of lists)$", option.Type);
            }

            foreach (var reason in definition.Reasons)
            {
                Assert.Contains(reason, Catalogue);
            }
        }

        var declared = Registry.Reasons.Keys.ToHashSet();
        Assert.Empty(Catalogue.Where(reason => !declared.Contains(reason.Code)).Select(reason => reason.Code));
    }

    [Fact]
    public void Derived_members_of_options_records_are_refused_as_options()
    {
        var derived = new List<string>();
        foreach (var definition in Registry.Definitions)
        {
            var options = definition.Options.Select(option => option.Name).ToHashSet();
            foreach (var (key, value) in definition.Normalize([], "x").Where(pair => !options.Contains(pair.Key)))
            {
                derived.Add($"{definition.Name}.{key}");
                var given = new JsonObject { [key] = value?.DeepClone() };
                var error = Assert.Throws<UsageException>(() => definition.Create(given, "p.yaml:2:3"));
                Assert.Contains($"'{key}' of stage '{definition.Name}' is derived from its other options and cannot be set", error.Message, StringComparison.Ordinal);
            }
        }

        Assert.Equal(["caption.uses_endpoint", "pack.effective_loss", "pack.loss_on_targets_only"], derived.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Reasons are written through their catalogue entries, never as string literals: a literal in an area the
    /// catalogue covers (text., image., warc., …) outside a *RejectReasons.cs file is a reason nobody declared.
    /// </summary>
    [Fact]
    public void No_source_file_writes_a_reject_code_as_a_literal()
    {
        var areas = Catalogue.Select(reason => reason.Code.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "pipelines"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "cli"), "*.cs", SearchOption.AllDirectories)))
        {
            if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal) || file.EndsWith("RejectReasons.cs", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match literal in CodeLiteral().Matches(File.ReadAllText(file)))
            {
                if (areas.Contains(literal.Groups["area"].Value))
                {
                    found.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}: {literal.Value}");
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void The_reject_code_catalogue_and_the_stage_reference_are_fresh()
    {
        AssertFresh(Path.Combine("schemas", "reject-codes.md"), StageReference.RejectCodesMarkdown(Registry));
        AssertFresh(Path.Combine("docs", "stages.md"), StageReference.OptionsMarkdown(Registry));
    }

    [Fact]
    public async Task A_sample_of_every_part_kind_passes_every_stage_or_is_rejected_with_a_reason()
    {
        var output = new LocalStorage(_temp.Combine("out"));
        var media = new MediaStore(output);
        var png = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "images", "scene-00.png"));
        var wav = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "speech", "broadcast.wav"));
        var image = await media.PutAsync(png, "image/png");
        var audio = await media.PutAsync(wav, "audio/wav");
        var probe = ImageProbe.Probe(png, 1 << 30);
        var jpegs = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "samples", "images"), "scene-*.jpg").Order(StringComparer.Ordinal).Take(2).ToList();
        var frames = new List<MediaRef>();
        foreach (var jpeg in jpegs)
        {
            frames.Add(await media.PutAsync(await File.ReadAllBytesAsync(jpeg), "image/jpeg"));
        }

        var source = await media.PutAsync(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "video", "narrated.mp4")), "video/mp4");
        var frameProbe = ImageProbe.Probe(await File.ReadAllBytesAsync(jpegs[0]), 1 << 30);
        var clip = new VideoPart(source, 0, 1, 25, frameProbe.Width, frameProbe.Height, [0, 0.5], [.. frames], Role.Content);
        Sample[] samples =
        [
            new("text-only", "t", [new TextPart("A paragraph of plain text that is long enough for any filter to keep it.", Role.Target)]),
            new("image-only", "t", [new ImagePart(image, probe.Width, probe.Height, Role.Content)]),
            new("audio-only", "t", [new AudioPart(audio, 2.5, 16_000, Role.Content)]),
            new("video-only", "t", [clip]),
            new("video-clip", "t", [clip, new AudioPart(audio, 1.0, 16_000, Role.Content), new TextPart("Subtitles of the clip, for training.", Role.Target)]),
            new("interleaved", "t", [new TextPart("A picture of a scene, then the sound of it.", Role.Context), new ImagePart(image, probe.Width, probe.Height, Role.Content), new AudioPart(audio, 1.5, 16_000, Role.Content), new TextPart("The scene as a caption for training.", Role.Target)]),
        ];

        // mix reads only the sources its options name, and with none it refuses to run (MixTests): no samples of its own to check.
        foreach (var definition in Registry.Definitions.Where(definition => !definition.IsWholeRunSource))
        {
            var rejects = new ListRejects();
            var scratch = _temp.Combine("scratch", definition.Name);
            Directory.CreateDirectory(scratch);
            var context = new StageContext
            {
                StageName = definition.Name,
                StageSlot = $"00-{definition.Name}",
                TaskIndex = 0,
                TaskCount = 1,
                Inputs = [],
                Output = output.At(definition.Name),
                Media = media,
                Rejects = rejects,
                Outputs = new TaskOutputs(),
                Counters = new RunCounters(),
                ScratchDirectory = scratch,
                BaseDirectory = RepositoryRoot.Path,
                Environment = _ => null,
                Workers = 2,
                Logger = NullLogger.Instance,
            };
            var stage = definition.Create([], definition.Name);
            var passed = await stage.RunAsync(samples.ToAsyncEnumerable(), context).ToListAsync();
            foreach (var sample in samples)
            {
                var kept = passed.Any(output => output.Id == sample.Id);
                var rejected = rejects.Items.Where(item => item.Input.StartsWith(sample.Id, StringComparison.Ordinal)).ToList();
                Assert.True(kept || rejected.Count > 0, $"{definition.Name} dropped '{sample.Id}' without a reject");
                Assert.All(rejected, item => Assert.True(Registry.Reasons.ContainsKey(item.Reason), $"{definition.Name}: '{item.Reason}' is not catalogued"));
            }
        }
    }

    private static void AssertFresh(string relativePath, string generated)
    {
        var path = Path.Combine(RepositoryRoot.Path, relativePath);
        if (Environment.GetEnvironmentVariable("DATAFORGE_DOCS_WRITE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
            return;
        }

        Assert.True(File.Exists(path), $"{relativePath} is missing; {StageReference.RegenerateHint}");
        Assert.True(File.ReadAllText(path) == generated, $"{relativePath} is stale; {StageReference.RegenerateHint}");
    }

    private sealed class ListRejects : IRejectSink
    {
        public List<Reject> Items { get; } = [];

        public ValueTask RejectAsync(string input, string reason, string message, CancellationToken cancellationToken = default)
        {
            lock (Items)
            {
                Items.Add(new Reject("test", input, reason, message));
            }

            return ValueTask.CompletedTask;
        }
    }

    [GeneratedRegex("\"(?<area>[a-z0-9_]+)\\.[a-z0-9_]+\"")]
    private static partial Regex CodeLiteral();
}
