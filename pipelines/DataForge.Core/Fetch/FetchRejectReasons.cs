using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Fetch;

/// <summary>The reasons an image fetch fails with, shared by every stage that fetches (interleave, read-table).</summary>
public static class FetchRejectReasons
{
    public static readonly RejectReason FetchFailed = new("fetch.failed", "Fetching the image failed (connection refused, reset, DNS).");

    public static readonly RejectReason FetchHttpStatus = new("fetch.http_status", "The image server answered with an HTTP error status.");

    public static readonly RejectReason FetchRefusedAddress = new("fetch.refused_address", "The image URL resolves to a loopback, private or link-local address (SSRF guard), directly or by a redirect.");

    public static readonly RejectReason FetchTimeout = new("fetch.timeout", "Fetching the image took longer than fetch_timeout_seconds.");

    public static readonly RejectReason FetchTooLarge = new("fetch.too_large", "The image body is larger than fetch_max_bytes.");

    public static readonly RejectReason FetchNotImage = new("fetch.not_image", "The URL answered with something that does not decode as an image (an HTML error page, a truncated body).");

    public static IReadOnlyList<RejectReason> All { get; } = [FetchFailed, FetchHttpStatus, FetchRefusedAddress, FetchTimeout, FetchTooLarge, FetchNotImage];

    /// <summary>The failures a rerun would meet again (the URL's answer, not the network's weather): remembered, not refetched.</summary>
    public static bool IsPermanent(string reason) =>
        reason == FetchRefusedAddress.Code || reason == FetchTooLarge.Code || reason == FetchNotImage.Code;
}
