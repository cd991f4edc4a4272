using System.Collections.Immutable;
using System.Text.Json.Nodes;
using DataForge.Captions.OpenAi;
using DataForge.Captions.Template;
using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.Rejects;
using DataForge.Core.Stages.Contract;

namespace DataForge.Captions;

/// <summary>
/// Captions every image of every sample: for each image, captioner, kind and language a caption sample
/// <c>[Image(content), Text(target)]</c> with meta <c>{captioner, model, kind, lang, sample_id, image_index}</c>; captions
/// that fail the quality checks are rejected with the reason. Each video clip likewise gets
/// <c>[Video(content), Audio(content)?, Text(target)]</c> with <c>clip_index</c> (template from its sampled frames; openai
/// with the frames as images of one request). Images are analysed in parallel, output in input order.
/// </summary>
public sealed class CaptionStage(CaptionOptions options) : MapStage
{
    public static readonly StageDefinition Definition =
        new StageDefinition<CaptionOptions>("caption", "add captions to every image and video clip (template: colours, layout, alt text, annotations; clips: colours, motion, cuts, sound)", options => new CaptionStage(options),
            [.. CaptionRejectReasons.All, CoreRejectReasons.ImageCorrupt]);

    private OpenAiCaptioner? _remote;
    private SemaphoreSlim? _inFlight;
    private long _requests, _cacheHits, _inputTokens, _outputTokens, _fusionWithoutAlt;

    /// <summary>Images wait on the endpoint, not on a core: as many in flight as it takes requests.</summary>
    protected override int Parallelism(StageContext context) => Math.Max(context.Workers, options.Concurrency);

    protected override ValueTask StartAsync(StageRun run)
    {
        if (options.UsesEndpoint)
        {
            _remote = new OpenAiCaptioner(
                new OpenAiSettings(
                    new Uri(options.Endpoint!),
                    options.Model!,
                    options.ApiKeyEnv,
                    options.MaxTokens,
                    (float)options.Temperature,
                    TimeSpan.FromSeconds(options.TimeoutSeconds),
                    options.Retries,
                    TimeSpan.FromMilliseconds(options.RetryBaseMs),
                    options.Concurrency,
                    options.Prompts),
                run.Context.Environment,
                run.Context.Output.At(options.CachePath));
            _inFlight = new SemaphoreSlim(options.Concurrency);
        }

        return ValueTask.CompletedTask;
    }

    protected override async ValueTask<StageOutcome> MapAsync(Sample sample, StageRun run, CancellationToken cancellationToken)
    {
        var (original, captions, rejects) = await CaptionAsync(sample, run.Context, cancellationToken);
        var passed = new List<Sample>(captions.Count + 1);
        if (options.KeepInputs)
        {
            passed.Add(options.InsertIntoDocuments ? Insert(original, captions) : original);
        }

        passed.AddRange(captions);
        return new StageOutcome { Samples = passed, Rejections = [.. rejects.Select(reject => new Rejection(reject.Where, reject.Reason, reject.Message))] };
    }

    protected override ValueTask CompleteAsync(StageRun run)
    {
        run.Publish(new JsonObject
        {
            ["requests"] = _requests,
            ["cache_hits"] = _cacheHits,
            ["fusion_without_alt_text"] = _fusionWithoutAlt,
            ["stats"] = new JsonObject { ["input_tokens"] = _inputTokens, ["output_tokens"] = _outputTokens },
        });
        return ValueTask.CompletedTask;
    }

    protected override ValueTask StopAsync(StageRun run)
    {
        _inFlight?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<(Sample Original, List<Sample> Captions, List<(string Reason, string Message, string Where)> Rejects)> CaptionAsync(
        Sample sample, StageContext context, CancellationToken cancellationToken)
    {
        var captions = new List<Sample>();
        var rejects = new List<(string, string, string)>();
        var imageMeta = sample.MetaObject()["images"] as JsonArray;
        var categories = (sample.MetaObject()["categories"] as JsonArray)?.Select(node => node?.GetValue<string>()).OfType<string>().ToList() ?? [];
        var imageIndex = -1;
        var clipIndex = -1;
        for (var partIndex = 0; partIndex < sample.Parts.Length; partIndex++)
        {
            if (sample.Parts[partIndex] is VideoPart video)
            {
                var track = partIndex + 1 < sample.Parts.Length ? sample.Parts[partIndex + 1] as AudioPart : null;
                await CaptionClipAsync(sample, video, track, ++clipIndex, captions, rejects, context, cancellationToken);
                continue;
            }

            if (sample.Parts[partIndex] is not ImagePart image)
            {
                continue;
            }

            imageIndex++;
            byte[] bytes;
            await using (var stream = await context.Media.OpenAsync(image.Media, cancellationToken))
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken);
                bytes = buffer.ToArray();
            }

            ImageAnalysis analysis;
            try
            {
                analysis = ImageAnalysis.Analyse(bytes);
            }
            catch (InvalidDataException e)
            {
                rejects.Add((CoreRejectReasons.ImageCorrupt, e.Message, $"{sample.Id}/image{imageIndex}"));
                continue;
            }

            var meta = imageMeta is not null && imageIndex < imageMeta.Count ? imageMeta[imageIndex] : null;
            var following = partIndex + 1 < sample.Parts.Length && sample.Parts[partIndex + 1] is TextPart text ? text.Text : null;
            var known = new ImageContext(
                meta?["alt"]?.GetValue<string>(),
                meta?["caption"]?.GetValue<string>() ?? following,
                categories);
            foreach (var captioner in options.Captioners)
            {
                foreach (var kind in captioner == "fusion" ? ["fused"] : options.Kinds)
                {
                    foreach (var language in options.Languages)
                    {
                        var where = $"{sample.Id}/image{imageIndex}/{captioner}/{kind}/{language}";
                        string caption;
                        var model = TemplateCaptioner.Model;
                        if (captioner == "fusion")
                        {
                            if (string.IsNullOrWhiteSpace(known.AltText))
                            {
                                Interlocked.Increment(ref _fusionWithoutAlt);
                                continue;
                            }

                            var fused = await FuseAsync(bytes, image, analysis, known.AltText, language, cancellationToken);
                            if (fused.Text is null)
                            {
                                rejects.Add((fused.Reason!, fused.Message!, where));
                                continue;
                            }

                            (caption, model) = (fused.Text, fused.Model);
                        }
                        else if (captioner == "openai")
                        {
                            var remote = await AskAsync(bytes, image, kind, language, known.AltText, cancellationToken);
                            if (remote.Text is null)
                            {
                                rejects.Add((remote.Reason!, remote.Message!, where));
                                continue;
                            }

                            (caption, model) = (remote.Text, options.Model!);
                        }
                        else
                        {
                            caption = TemplateCaptioner.Caption(analysis, known, kind, language);
                        }

                        if (CaptionFilters.Check(caption, language, options.MinCaptionChars) is { } problem)
                        {
                            rejects.Add((problem.Reason, problem.Message, where));
                            continue;
                        }

                        var captionMeta = new JsonObject
                        {
                            ["captioner"] = captioner,
                            ["model"] = model,
                            ["kind"] = kind,
                            ["lang"] = language,
                            ["sample_id"] = sample.Id,
                            ["image_index"] = imageIndex,
                        };
                        captions.Add(new Sample(
                            SampleIds.FromSource(where),
                            sample.Source,
                            ImmutableArray.Create<Part>(image with { Role = Role.Content }, new TextPart(caption, Role.Target)),
                            captionMeta.ToJsonString(DataForgeJson.Compact)));
                    }
                }
            }
        }

        return (sample, captions, rejects);
    }

    /// <summary>
    /// A clip's captions, one sample per captioner, kind and language: <c>[Video(content), Audio(content)?, Text(target)]</c>
    /// with meta <c>{captioner, model, kind, lang, sample_id, clip_index}</c>. template describes colours, motion, a cut and
    /// sound from the sampled frames; openai sends the frames as images in one request; fusion needs an image's alt text,
    /// which a clip has not, and is counted, as for images without one.
    /// </summary>
    private async Task CaptionClipAsync(Sample sample, VideoPart video, AudioPart? track, int clipIndex, List<Sample> captions, List<(string, string, string)> rejects, StageContext context, CancellationToken cancellationToken)
    {
        var frames = new List<(byte[] Bytes, string Sha256)>();
        foreach (var frame in video.Frames)
        {
            await using var stream = await context.Media.OpenAsync(frame, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            frames.Add((buffer.ToArray(), frame.Sha256));
        }

        ClipAnalysis analysis;
        try
        {
            analysis = ClipAnalysis.Analyse([.. frames.Select(frame => frame.Bytes)], video.FrameTimes, video.DurationSeconds, track is not null);
        }
        catch (InvalidDataException e)
        {
            rejects.Add((CoreRejectReasons.ImageCorrupt, e.Message, $"{sample.Id}/clip{clipIndex}"));
            return;
        }

        foreach (var captioner in options.Captioners)
        {
            if (captioner == "fusion")
            {
                Interlocked.Increment(ref _fusionWithoutAlt);
                continue;
            }

            foreach (var kind in options.Kinds)
            {
                foreach (var language in options.Languages)
                {
                    var where = $"{sample.Id}/clip{clipIndex}/{captioner}/{kind}/{language}";
                    string caption, model = TemplateCaptioner.Model;
                    if (captioner == "openai")
                    {
                        await _inFlight!.WaitAsync(cancellationToken);
                        RemoteCaption answer;
                        try
                        {
                            answer = await _remote!.CaptionClipAsync(frames, video.DurationSeconds, kind, language, cancellationToken);
                        }
                        finally
                        {
                            _inFlight.Release();
                        }

                        Interlocked.Increment(ref answer.FromCache ? ref _cacheHits : ref _requests);
                        Interlocked.Add(ref _inputTokens, answer.InputTokens);
                        Interlocked.Add(ref _outputTokens, answer.OutputTokens);
                        if (answer.Text is null)
                        {
                            rejects.Add((answer.Reason!, answer.Message!, where));
                            continue;
                        }

                        (caption, model) = (answer.Text, options.Model!);
                    }
                    else
                    {
                        caption = TemplateCaptioner.Caption(analysis, kind, language);
                    }

                    if (CaptionFilters.Check(caption, language, options.MinCaptionChars) is { } problem)
                    {
                        rejects.Add((problem.Reason, problem.Message, where));
                        continue;
                    }

                    var meta = new JsonObject
                    {
                        ["captioner"] = captioner,
                        ["model"] = model,
                        ["kind"] = kind,
                        ["lang"] = language,
                        ["sample_id"] = sample.Id,
                        ["clip_index"] = clipIndex,
                    };
                    Part[] parts = track is null
                        ? [video with { Role = Role.Content }, new TextPart(caption, Role.Target)]
                        : [video with { Role = Role.Content }, track with { Role = Role.Content }, new TextPart(caption, Role.Target)];
                    captions.Add(new Sample(SampleIds.FromSource(where), sample.Source, [.. parts], meta.ToJsonString(DataForgeJson.Compact)));
                }
            }
        }
    }

    private async Task<RemoteCaption> AskAsync(byte[] bytes, ImagePart image, string kind, string language, string? altText, CancellationToken cancellationToken)
    {
        await _inFlight!.WaitAsync(cancellationToken);
        try
        {
            var answer = await _remote!.CaptionAsync(bytes, image.Media.Mime, image.Media.Sha256, kind, language, altText, cancellationToken);
            Interlocked.Increment(ref answer.FromCache ? ref _cacheHits : ref _requests);
            Interlocked.Add(ref _inputTokens, answer.InputTokens);
            Interlocked.Add(ref _outputTokens, answer.OutputTokens);
            return answer;
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Alt text fused with a synthetic caption: by the endpoint when one is set, else by rule.</summary>
    private async Task<(string? Text, string Model, string? Reason, string? Message)> FuseAsync(
        byte[] bytes, ImagePart image, ImageAnalysis analysis, string altText, string language, CancellationToken cancellationToken)
    {
        if (_remote is null)
        {
            return (TemplateCaptioner.Fuse(analysis, altText, language), TemplateCaptioner.Model, null, null);
        }

        var description = await AskAsync(bytes, image, "dense", language, null, cancellationToken);
        if (description.Text is null)
        {
            return (null, options.Model!, description.Reason, description.Message);
        }

        await _inFlight!.WaitAsync(cancellationToken);
        try
        {
            var fused = await _remote.FuseAsync(image.Media.Sha256, altText, description.Text, language, cancellationToken);
            Interlocked.Increment(ref fused.FromCache ? ref _cacheHits : ref _requests);
            Interlocked.Add(ref _inputTokens, fused.InputTokens);
            Interlocked.Add(ref _outputTokens, fused.OutputTokens);
            return (fused.Text, options.Model!, fused.Reason, fused.Message);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>The input sample with each image's first caption placed right after it, as context.</summary>
    private static Sample Insert(Sample original, List<Sample> captions)
    {
        Dictionary<int, Sample> First(string key) => captions.Where(caption => caption.MetaObject()[key] is not null)
            .GroupBy(caption => caption.MetaObject()[key]!.GetValue<int>()).ToDictionary(group => group.Key, group => group.First());
        var byImage = First("image_index");
        var byClip = First("clip_index");
        var parts = ImmutableArray.CreateBuilder<Part>();
        int imageIndex = -1, clipIndex = -1;
        for (var k = 0; k < original.Parts.Length; k++)
        {
            var part = original.Parts[k];
            parts.Add(part);
            if (part is VideoPart && k + 1 < original.Parts.Length && original.Parts[k + 1] is AudioPart track)
            {
                // A clip's caption follows its audio track, which belongs to it.
                parts.Add(track);
                k++;
            }

            var caption = part switch
            {
                ImagePart when byImage.TryGetValue(++imageIndex, out var found) => found,
                VideoPart when byClip.TryGetValue(++clipIndex, out var found) => found,
                _ => null,
            };
            if (caption is not null)
            {
                parts.Add(new TextPart(((TextPart)caption.Parts[^1]).Text, Role.Context));
            }
        }

        return original with { Parts = parts.ToImmutable() };
    }
}
