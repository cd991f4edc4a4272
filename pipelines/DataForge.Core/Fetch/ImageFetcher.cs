using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DataForge.Core.Fetch;

/// <summary>What a fetch gave: the bytes, or a reason code and message.</summary>
public sealed record FetchResult(byte[]? Bytes, string? Reason, string? Message);

/// <summary>Limits of fetching images over HTTP.</summary>
/// <param name="PerHost">Downloads in flight to one host at once (img2dataset and polite crawlers bound this; 0: no bound of its own).</param>
/// <param name="IsPublic">Which addresses count as public (default <see cref="AddressGuard.IsPublic"/>); tests narrow it to tell one loopback address from another.</param>
public sealed record FetchSettings(bool AllowPrivateAddresses, TimeSpan Timeout, long MaxBytes, int Retries, TimeSpan RetryBase, string UserAgent, int PerHost = 0, Func<IPAddress, bool>? IsPublic = null);

/// <summary>
/// Fetches images that neither the archives nor the disk have: every connection goes through
/// <see cref="AddressGuard"/>, responses are capped in size, and 429/5xx answers and timeouts are retried with
/// exponential backoff (honouring Retry-After, seconds or a date, up to a minute); at most <see cref="FetchSettings.PerHost"/>
/// downloads go to one host at once.
/// </summary>
public sealed class ImageFetcher : IDisposable
{
    private readonly FetchSettings _settings;
    private readonly HttpClient _client;

    private readonly TimeProvider _clock;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public ImageFetcher(FetchSettings settings, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _settings = settings;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = settings.Timeout };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(settings.UserAgent);
    }

    public async Task<FetchResult> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return new FetchResult(null, FetchRejectReasons.FetchFailed, $"'{url}' is not an http(s) URL");
        }

        if (_settings.PerHost < 1)
        {
            return await AttemptsAsync(url, cancellationToken);
        }

        var gate = _hosts.GetOrAdd(uri.Host, _ => new SemaphoreSlim(_settings.PerHost));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await AttemptsAsync(url, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<FetchResult> AttemptsAsync(string url, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan? wait = null;

            // HttpClient.Timeout stops at the headers when the body is streamed: a server trickling its body a byte
            // a second held a download forever. One deadline covers the whole attempt, headers and body.
            using var deadline = new CancellationTokenSource(_settings.Timeout, _clock);
            using var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, attemptToken.Token);
                if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                {
                    if (attempt >= _settings.Retries)
                    {
                        return new FetchResult(null, FetchRejectReasons.FetchHttpStatus, $"HTTP {(int)response.StatusCode} after {attempt + 1} attempts");
                    }

                    // RFC 9110 §10.2.3: Retry-After is seconds or an HTTP-date; either is honoured, up to a minute a wait.
                    var retryAfter = response.Headers.RetryAfter;
                    var asked = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - _clock.GetUtcNow() : null);
                    wait = asked is { } delay ? TimeSpan.FromTicks(Math.Clamp(delay.Ticks, 0, TimeSpan.FromMinutes(1).Ticks)) : null;
                }
                else if (!response.IsSuccessStatusCode)
                {
                    return new FetchResult(null, FetchRejectReasons.FetchHttpStatus, $"HTTP {(int)response.StatusCode}");
                }
                else
                {
                    if (response.Content.Headers.ContentLength > _settings.MaxBytes)
                    {
                        return TooLarge();
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(attemptToken.Token);
                    return await ReadCappedAsync(body, attemptToken.Token);
                }
            }
            catch (HttpRequestException e) when (e.InnerException is RefusedAddressException refused)
            {
                return new FetchResult(null, FetchRejectReasons.FetchRefusedAddress, refused.Message);
            }
            catch (HttpRequestException e)
            {
                if (attempt >= _settings.Retries)
                {
                    return new FetchResult(null, FetchRejectReasons.FetchFailed, e.Message);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _settings.Retries)
                {
                    return new FetchResult(null, FetchRejectReasons.FetchTimeout, $"no answer within {_settings.Timeout.TotalSeconds:0.#} s, {attempt + 1} attempts");
                }
            }

            await Task.Delay(wait ?? _settings.RetryBase * Math.Pow(2, attempt), _clock, cancellationToken);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        foreach (var gate in _hosts.Values)
        {
            gate.Dispose();
        }
    }

    private async Task<FetchResult> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _settings.MaxBytes)
            {
                return TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return new FetchResult(buffer.ToArray(), null, null);
    }

    private FetchResult TooLarge() =>
        new(null, FetchRejectReasons.FetchTooLarge, string.Create(CultureInfo.InvariantCulture, $"larger than fetch_max_bytes {_settings.MaxBytes}"));

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var isPublic = _settings.IsPublic ?? AddressGuard.IsPublic;
        var allowed = addresses.Where(address => _settings.AllowPrivateAddresses || isPublic(address)).ToArray();
        if (allowed.Length == 0)
        {
            throw new RefusedAddressException($"{context.DnsEndPoint.Host} resolves only to addresses that are not public ({string.Join(", ", addresses.Select(address => address.ToString()))}); set fetch_allow_private to allow them");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RefusedAddressException(string message) : IOException(message);
}
