using System.Net;
using System.Net.Sockets;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Inspect.Web;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge inspect PATH --serve [--port N] [--host H]</c>: the local web app, until Ctrl-C.</summary>
internal static class InspectServing
{
    public static async Task<int> RunAsync(CliContext app, IStorage root, string host, int port, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"--port {port}: use 0 (any free port) to 65535");
        }

        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new UsageException($"--host {host}: give an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost");
        var server = await InspectServer.OpenAsync(root, cancellationToken);
        try
        {
            await server.RunAsync(address, port, async url =>
            {
                await app.Stdout.WriteLineAsync($"serving {server.Targets.Count} target(s) of {root.Uri} at {url} (Ctrl-C stops)");
                foreach (var target in server.Targets)
                {
                    await app.Stdout.WriteLineAsync($"  {target.KindName,-8} {target.Path}");
                }

                await app.Stdout.FlushAsync(cancellationToken);
            }, cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataForgeException($"cannot listen on {host}:{port}: {e.Message} (choose another --port, or 0 for any free one)");
        }

        return DataForgeApp.Success;
    }
}
