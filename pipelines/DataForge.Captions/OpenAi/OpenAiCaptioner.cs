using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Hashing;
using DataForge.Core.Storage;
using OpenAI;
using OpenAI.Chat;

namespace DataForge.Captions.OpenAi;

/// <summary>A caption from the endpoint (or the cache), with the tokens it cost; or why there is none.</summary>
public sealed record RemoteCaption(string? Text, int InputTokens, int OutputTokens, bool FromCache, string? Reason, string? Message);

/// <summary>
/// Captions through any OpenAI-compatible endpoint with the official SDK: the image goes as a base64 data URL,
/// 429 and 5xx answers are retried with exponential backoff (Retry-After honoured by the SDK's policy), each
/// request has a timeout, and answers are cached in the output under a key of (image sha256, model, prompt,
/// limits), so a rerun asks nothing twice. The API key comes from the environment and appears nowhere else.
/// </summary>
public sealed class OpenAiCaptioner
{
    private readonly OpenAiSettings _settings;
    private readonly ChatClient _client;
    private readonly IStorage _cache;

    public OpenAiCaptioner(OpenAiSettings settings, Func<string, string?> environment, IStorage cache)
    {
        _settings = settings;
        _cache = cache;
        var key = environment(settings.ApiKeyEnv);
        if (string.IsNullOrEmpty(key))
        {
            throw new UsageException($"the openai captioner needs an API key in the environment variable {settings.ApiKeyEnv} (use any non-empty value for endpoints without keys)");
        }

        var options = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            NetworkTimeout = settings.Timeout,
            RetryPolicy = new BackoffPolicy(settings.Retries, settings.RetryBase),
        };
        _client = new ChatClient(settings.Model, new ApiKeyCredential(key), options);
    }

    public string Prompt(string kind, string language) =>
        _settings.Prompts.TryGetValue($"{kind}_{language}", out var prompt) ? prompt : DefaultPrompt(kind, language);

    public async Task<RemoteCaption> CaptionAsync(byte[] image, string mime, string imageSha256, string kind, string language, string? altText, CancellationToken cancellationToken)
    {
        var prompt = Prompt(kind, language);
        if (!string.IsNullOrWhiteSpace(altText))
        {
            prompt += language == "zh" ? $"（网页给出的替代文字：{altText}）" : $" (The page's alt text: \"{altText}\".)";
        }

        var key = Hashes.Sha256Hex($"{imageSha256}\n{_settings.Model}\n{prompt}\n{_settings.MaxTokens}\n{_settings.Temperature}");
        var message = new UserChatMessage(ChatMessageContentPart.CreateTextPart(prompt), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image), mime));
        return await AskCachedAsync(key, [message], cancellationToken);
    }

    /// <summary>A clip: its sampled frames as images in one request, in order, after a prompt that says they are frames of one video.</summary>
    public async Task<RemoteCaption> CaptionClipAsync(IReadOnlyList<(byte[] Bytes, string Sha256)> frames, double seconds, string kind, string language, CancellationToken cancellationToken)
    {
        var prompt = language == "zh"
            ? $"下面是一段{seconds:0.#}秒视频中按时间顺序抽取的{frames.Count}帧。" + Prompt(kind, language).Replace("图片", "视频", StringComparison.Ordinal)
            : $"These are {frames.Count} frames sampled in order from a {seconds:0.#}-second video clip. " + Prompt(kind, language).Replace("image", "video clip", StringComparison.Ordinal);
        var key = Hashes.Sha256Hex($"clip\n{string.Join(',', frames.Select(frame => frame.Sha256))}\n{_settings.Model}\n{prompt}\n{_settings.MaxTokens}\n{_settings.Temperature}");
        var content = new List<ChatMessageContentPart> { ChatMessageContentPart.CreateTextPart(prompt) };
        content.AddRange(frames.Select(frame => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(frame.Bytes), "image/jpeg")));
        return await AskCachedAsync(key, [new UserChatMessage(content)], cancellationToken);
    }

    private async Task<RemoteCaption> AskCachedAsync(string key, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var cachePath = $"{key[..2]}/{key}.json";
        if (await _cache.ExistsAsync(cachePath, cancellationToken))
        {
            await using var stream = await _cache.OpenReadAsync(cachePath, cancellationToken);
            var cached = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
            return new RemoteCaption(cached!["caption"]!.GetValue<string>(), 0, 0, true, null, null);
        }

        ChatCompletion completion;
        try
        {
            var options = new ChatCompletionOptions { MaxOutputTokenCount = _settings.MaxTokens, Temperature = _settings.Temperature };
            completion = (await _client.CompleteChatAsync(messages, options, cancellationToken)).Value;
        }
        catch (ClientResultException e)
        {
            return new RemoteCaption(null, 0, 0, false, CaptionRejectReasons.CaptionEndpointError, $"HTTP {e.Status} from the endpoint after {_settings.Retries + 1} attempts");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return new RemoteCaption(null, 0, 0, false, CaptionRejectReasons.CaptionBadResponse, $"the endpoint's answer is not a chat completion ({e.GetType().Name})");
        }
        catch (Exception e) when (e is AggregateException or TaskCanceledException or TimeoutException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new RemoteCaption(null, 0, 0, false, CaptionRejectReasons.CaptionEndpointUnreachable, $"no answer within {_settings.Timeout.TotalSeconds:0.#} s after {_settings.Retries + 1} attempts ({e.GetType().Name})");
        }

        var text = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text)).Trim();
        var usage = completion.Usage;
        await StorageJson.WriteAsync(_cache, cachePath, new JsonObject { ["caption"] = text, ["model"] = _settings.Model }, cancellationToken);
        return new RemoteCaption(text, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, false, null, null);
    }

    /// <summary>
    /// VeCap-style fusion through the endpoint (text only): one caption that keeps the alt text's facts (names,
    /// places) and the description's visual detail. Cached like captions.
    /// </summary>
    public async Task<RemoteCaption> FuseAsync(string imageSha256, string altText, string description, string language, CancellationToken cancellationToken)
    {
        var prompt = language == "zh"
            ? $"把下面两段文字合并成一句图片说明：保留替代文字中的事实（名称、地点），以及描述中的视觉细节。只输出这句说明。\n替代文字：{altText}\n描述：{description}"
            : $"Merge these into one image caption that keeps the facts of the alt text (names, places) and the visual detail of the description. Answer with the caption only.\nAlt text: {altText}\nDescription: {description}";
        var key = Hashes.Sha256Hex($"fuse\n{imageSha256}\n{_settings.Model}\n{prompt}\n{_settings.MaxTokens}\n{_settings.Temperature}");
        return await AskCachedAsync(key, [new UserChatMessage(prompt)], cancellationToken);
    }

    private static string DefaultPrompt(string kind, string language) => (kind, language) switch
    {
        ("short", "zh") => "用一句话描述这张图片。",
        ("dense", "zh") => "用三到五句话详细描述这张图片：其中的物体、颜色、布局和文字。",
        ("short", _) => "Describe this image in one short sentence.",
        _ => "Describe this image in three to five sentences: its objects, colours, layout and any text in it.",
    };

    /// <summary>The SDK's retry policy (which honours Retry-After) with our own base delay, doubling per try.</summary>
    private sealed class BackoffPolicy(int retries, TimeSpan baseDelay) : ClientRetryPolicy(retries)
    {
        protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
        {
            if (message.Response?.Headers.TryGetValue("Retry-After", out var value) == true && int.TryParse(value, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, 60));
            }

            return baseDelay * Math.Pow(2, Math.Max(0, tryCount - 1));
        }
    }
}
