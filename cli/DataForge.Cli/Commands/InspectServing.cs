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
        var server = await InspectServer.OpenAsync(root, Above(app, root), cancellationToken);
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

    /// <summary>The folder holding PATH (a local parent directory, or an Azure prefix's parent), or null at a root.</summary>
    private static IStorage? Above(CliContext app, IStorage root)
    {
        var uri = root.Uri.Replace('\\', '/').TrimEnd('/');
        var parent = StorageFactory.IsAzure(uri) ? StoragePaths.Directory(uri) : Path.GetDirectoryName(Path.GetFullPath(uri));
        return string.IsNullOrEmpty(parent) || parent.EndsWith(':') ? null : new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(parent);
    }

    /// <summary><c>--html FILE</c>: the same views in one file, written atomically.</summary>
    public static async Task WriteHtmlAsync(CliContext app, IStorage root, FileInfo file, CancellationToken cancellationToken)
    {
        var server = await InspectServer.OpenAsync(root, Above(app, root), cancellationToken);
        var (html, inlined, leftOut) = await StaticExport.WriteAsync(server, cancellationToken);
        var temporary = file.FullName + ".tmp";
        await File.WriteAllTextAsync(temporary, html, cancellationToken);
        File.Move(temporary, file.FullName, overwrite: true);
        await app.Stderr.WriteLineAsync($"wrote {file.FullName}: {server.Targets.Count} target(s), {inlined} media inlined{(leftOut > 0 ? $", {leftOut} over the {StaticExport.MediumCap / 1024} KiB / {StaticExport.MediaCap >> 20} MiB cap named only" : string.Empty)}");
    }
}
