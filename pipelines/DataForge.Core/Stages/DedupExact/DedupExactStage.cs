using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.DedupExact;

/// <summary>
/// Keeps the first sample of each exact content (text and media hashes, in order) and rejects later copies,
/// naming the sample kept. Scope is one task: inputs are bucketed by file, so run with one task (or dedup again
/// after merging) for corpus-wide exactness. Memory: 16 bytes per distinct sample.
/// </summary>
public sealed class DedupExactStage(DedupExactOptions options) : IStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<DedupExactOptions>("dedup-exact", "reject samples whose content repeats an earlier sample exactly", options => new DedupExactStage(options),
            [CoreRejectReasons.DedupExactDuplicate]);

    public async IAsyncEnumerable<Sample> RunAsync(IAsyncEnumerable<Sample> input, StageContext context)
    {
        var firstByContent = new Dictionary<UInt128, string>();
        await foreach (var sample in input.WithCancellation(context.CancellationToken))
        {
            var key = ContentKey(sample);
            if (firstByContent.TryGetValue(key, out var keptId))
            {
                await context.Rejects.RejectAsync(sample.Id, CoreRejectReasons.DedupExactDuplicate, $"same content as sample {keptId}", context.CancellationToken);
                continue;
            }

            firstByContent.Add(key, sample.Id);
            yield return sample;
        }
    }

    /// <summary>XxHash128 over length-prefixed fields, so that part boundaries cannot be shifted into a collision.</summary>
    public UInt128 ContentKey(Sample sample)
    {
        var hash = new XxHash128();
        foreach (var part in sample.Parts)
        {
            AppendField(hash, part.Kind);
            if (options.IncludeRoles)
            {
                AppendField(hash, part.Role.ToWire());
            }

            AppendField(hash, part switch
            {
                TextPart text => text.Text,
                ImagePart image => image.Media.Sha256,
                AudioPart audio => audio.Media.Sha256,
                _ => throw Part.Unhandled(part),
            });
        }

        return hash.GetCurrentHashAsUInt128();
    }

    private static void AppendField(XxHash128 hash, string value)
    {
        Span<byte> length = stackalloc byte[4];
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.Append(length);
        hash.Append(bytes);
    }
}
