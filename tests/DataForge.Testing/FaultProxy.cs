using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DataForge.Testing;

/// <summary>What the proxy does with one request.</summary>
public enum Fault
{
    /// <summary>Forwarded to the upstream server and its answer relayed.</summary>
    None,

    /// <summary>Answered 503 ServerBusy without reaching upstream (retriable).</summary>
    ServiceUnavailable,

    /// <summary>Never answered: the connection stays silent until the client gives up.</summary>
    Timeout,

    /// <summary>The connection is reset before any answer.</summary>
    ResetBeforeResponse,

    /// <summary>Forwarded (so upstream applies it), then the connection is reset part-way through the answer.</summary>
    ResetDuringResponse,

    /// <summary>Answered 403 AuthorizationFailure (not retriable).</summary>
    Forbidden,
}

/// <summary>One request as the proxy saw it, for the decision.</summary>
public sealed record ProxiedRequest(string Method, string Target, long Number);

/// <summary>
/// A loopback HTTP/1.1 proxy in front of a storage emulator that injects the faults real cloud storage shows: 503s,
/// silent timeouts and connection resets before or during an answer. Every request gets its own upstream connection
/// with <c>Connection: close</c>, so a fault never leaks into the next request. Counts what it did per fault.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly Func<ProxiedRequest, Fault> _decide;
    private readonly CancellationTokenSource _stop = new();
    private long _requests;

    public FaultProxy(int upstreamPort, Func<ProxiedRequest, Fault> decide)
    {
        _upstreamPort = upstreamPort;
        _decide = decide;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public ConcurrentDictionary<Fault, int> Counts { get; } = new();

    /// <summary>A decision that injects each fault kind in turn into a seeded random share of requests.</summary>
    public static Func<ProxiedRequest, Fault> Random(int seed, double rate, params Fault[] kinds)
    {
        var random = new Random(seed);
        return _ =>
        {
            lock (random)
            {
                return random.NextDouble() < rate ? kinds[random.Next(kinds.Length)] : Fault.None;
            }
        };
    }

    /// <summary>The connection string of <paramref name="azurite"/> with its blob endpoint moved to this proxy.</summary>
    public string ConnectionString(string azurite) =>
        azurite.Replace($"127.0.0.1:{_upstreamPort}/", $"127.0.0.1:{Port}/", StringComparison.Ordinal);

    public static int PortOf(string connectionString)
    {
        var endpoint = connectionString.Split(';').Single(part => part.StartsWith("BlobEndpoint=", StringComparison.Ordinal));
        return new Uri(endpoint["BlobEndpoint=".Length..]).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var (requestLine, headers, received) = head.Value;
                var body = await ReadBodyAsync(stream, headers, received);
                var parts = requestLine.Split(' ');
                var fault = _decide(new ProxiedRequest(parts[0], parts[1], Interlocked.Increment(ref _requests)));
                Counts.AddOrUpdate(fault, 1, (_, count) => count + 1);
                switch (fault)
                {
                    case Fault.ServiceUnavailable:
                        await AnswerAsync(stream, "503 Service Unavailable", "ServerBusy", "The server is busy (injected by the fault proxy).");
                        return;
                    case Fault.Forbidden:
                        await AnswerAsync(stream, "403 Forbidden", "AuthorizationFailure", "This request is not authorized to perform this operation (injected by the fault proxy).");
                        return;
                    case Fault.Timeout:
                        // Silent until the client closes (its network timeout) or the proxy stops.
                        var sink = new byte[1024];
                        while (await stream.ReadAsync(sink, _stop.Token) > 0)
                        {
                        }

                        return;
                    case Fault.ResetBeforeResponse:
                        Reset(client);
                        return;
                }

                await ForwardAsync(client, requestLine, headers, body, resetPartWay: fault == Fault.ResetDuringResponse);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the proxy stopped.
            }
        }
    }

    private async Task ForwardAsync(TcpClient client, string requestLine, List<string> headers, byte[] body, bool resetPartWay)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
        var upstreamStream = upstream.GetStream();
        var head = new StringBuilder(requestLine).Append("\r\n");
        foreach (var header in headers.Where(h => !h.StartsWith("connection:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        await upstreamStream.WriteAsync(body, _stop.Token);

        var clientStream = client.GetStream();
        var buffer = new byte[64 * 1024];
        int read;
        var first = true;
        while ((read = await upstreamStream.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (resetPartWay && first)
            {
                await clientStream.WriteAsync(buffer.AsMemory(0, Math.Max(1, read / 2)), _stop.Token);
                Reset(client);
                return;
            }

            first = false;
            await clientStream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private static void Reset(TcpClient client)
    {
        // Linger 0: close sends RST, which the client sees as "connection reset by peer".
        client.LingerState = new LingerOption(true, 0);
        client.Client.Close();
    }

    private static async Task AnswerAsync(NetworkStream stream, string status, string code, string message)
    {
        var xml = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>";
        var answer = $"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nx-ms-error-code: {code}\r\nContent-Length: {Encoding.UTF8.GetByteCount(xml)}\r\nConnection: close\r\n\r\n{xml}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer));
    }

    private async Task<(string RequestLine, List<string> Headers, byte[] Received)?> ReadHeadAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (received.Length < MaxHeadBytes)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            received.Write(buffer, 0, read);
            var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
            var end = bytes.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var lines = Encoding.ASCII.GetString(bytes[..end]).Split("\r\n");
                return (lines[0], [.. lines.Skip(1)], bytes[(end + 4)..].ToArray());
            }
        }

        throw new IOException("request head too long");
    }

    private async Task<byte[]> ReadBodyAsync(NetworkStream stream, List<string> headers, byte[] rest)
    {
        if (headers.Any(h => h.StartsWith("transfer-encoding:", StringComparison.OrdinalIgnoreCase)))
        {
            throw new IOException("the fault proxy does not relay chunked request bodies");
        }

        var lengthHeader = headers.FirstOrDefault(h => h.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
        var length = lengthHeader is null ? 0 : long.Parse(lengthHeader["content-length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        rest.AsSpan(0, (int)Math.Min(rest.Length, length)).CopyTo(body);
        var filled = Math.Min(rest.Length, length);
        while (filled < length)
        {
            var read = await stream.ReadAsync(body.AsMemory((int)filled), _stop.Token);
            if (read == 0)
            {
                throw new IOException("request body cut short");
            }

            filled += read;
        }

        return body;
    }
}
