using System.Text.Json.Serialization;
using DataForge.Core.Fetch;
using DataForge.Core.Hashing;
using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadTable;

/// <summary>
/// Images named by http(s) URLs, fetched as img2dataset fetches them but inside the pipeline: through
/// <see cref="ImageFetcher"/> (bounded concurrency per host, timeouts, retries honouring Retry-After, the size cap and
/// the private-address guard on every connect and redirect), decoded, resized to <c>fetch_max_side</c> when asked and
/// stored. Every answer that a rerun would get again is remembered in the output's <c>_fetch/</c> (keyed by the
/// URL's sha256: the media it became, or the permanent failure), so a rerun or a retried task fetches no URL twice.
/// Timeouts, 5xx and 429 are not remembered: a rerun tries them again.
/// </summary>
public sealed class UrlImages(ImageFetcher fetcher, IStorage output, ReadTableOptions options, StageContext context)
{
    public const string Folder = "_fetch";

    /// <summary>What one URL became.</summary>
    public sealed record Answer(
        [property: JsonPropertyName("url")] string Url,
        [property: JsonPropertyName("sha256")] string? Sha256,
        [property: JsonPropertyName("mime")] string? Mime,
        [property: JsonPropertyName("width")] int Width,
        [property: JsonPropertyName("height")] int Height,
        [property: JsonPropertyName("reason")] string? Reason,
        [property: JsonPropertyName("message")] string? Message);

    public static bool IsUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The image, whether it came from the cache, and the rejection when there is none.</summary>
    public async Task<(ImagePart? Part, bool Cached, Rejection? Rejection)> GetAsync(string url, string where, CancellationToken cancellationToken)
    {
        var key = Hashes.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(url));
        var entry = $"{Folder}/{key[..2]}/{key}.json";
        if (await output.ExistsAsync(entry, cancellationToken) && await StorageJson.ReadAsync<Answer>(output, entry, "a remembered fetch", cancellationToken) is { Url: var known } remembered && known == url)
        {
            if (remembered.Reason is { } reason)
            {
                return (null, true, new Rejection(where, reason, $"{url}: {remembered.Message} (remembered from an earlier run: {entry})"));
            }

            var media = new MediaRef(remembered.Sha256!, remembered.Mime!);
            if (await context.Media.ContainsAsync(media, cancellationToken))
            {
                return (new ImagePart(media, remembered.Width, remembered.Height, Role.Content), true, null);
            }
        }

        var fetched = await fetcher.FetchAsync(url, cancellationToken);
        Answer answer;
        ImagePart? part = null;
        if (fetched.Bytes is not { } bytes)
        {
            answer = new Answer(url, null, null, 0, 0, fetched.Reason, fetched.Message);
        }
        else
        {
            var probe = ImageProbe.Probe(bytes, options.MaxPixels);
            if (!probe.Ok)
            {
                var reason = probe.RejectReason == Rejects.CoreRejectReasons.ImageTooManyPixels.Code ? probe.RejectReason : FetchRejectReasons.FetchNotImage.Code;
                answer = new Answer(url, null, null, 0, 0, reason, $"{bytes.Length} bytes that are not an image ({probe.RejectMessage ?? probe.RejectReason})");
            }
            else
            {
                var (stored, mime, width, height) = (bytes, probe.Mime!, probe.Width, probe.Height);
                if (options.FetchMaxSide > 0 && Math.Max(width, height) > options.FetchMaxSide)
                {
                    // Resized on store, as img2dataset's resize_mode=keep_ratio: the longer side to fetch_max_side.
                    (stored, mime, width, height) = ImageReencoder.Fit(bytes, options.FetchMaxSide, options.FetchQuality);
                }

                var media = await context.Media.PutAsync(stored, mime, cancellationToken);
                part = new ImagePart(media, width, height, Role.Content);
                answer = new Answer(url, media.Sha256, media.Mime, width, height, null, null);
            }
        }

        if (answer.Reason is null || FetchRejectReasons.IsPermanent(answer.Reason) || answer.Reason == Rejects.CoreRejectReasons.ImageTooManyPixels.Code || IsClientError(answer))
        {
            await StorageJson.WriteAsync(output, entry, answer, cancellationToken);
        }

        return answer.Reason is { } failed ? (null, false, new Rejection(where, failed, $"{url}: {answer.Message}")) : (part, false, null);
    }

    /// <summary>An HTTP 4xx other than 408 and 429 is the URL's own answer (gone, forbidden), not the network's.</summary>
    private static bool IsClientError(Answer answer) =>
        answer.Reason == FetchRejectReasons.FetchHttpStatus.Code && answer.Message is { } message
        && message.StartsWith("HTTP 4", StringComparison.Ordinal) && !message.StartsWith("HTTP 408", StringComparison.Ordinal) && !message.StartsWith("HTTP 429", StringComparison.Ordinal);
}
