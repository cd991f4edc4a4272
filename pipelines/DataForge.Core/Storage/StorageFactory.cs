using Azure.Identity;
using Azure.Storage.Blobs;

namespace DataForge.Core.Storage;

/// <summary>
/// Turns a URI into storage: <c>az://container/prefix</c> and <c>https://account.blob.core.windows.net/container/prefix</c>
/// go to Azure Blob Storage, anything else is a local path (relative to <see cref="BaseDirectory"/>).
/// Credentials come from <c>AZURE_STORAGE_CONNECTION_STRING</c>, else DefaultAzureCredential; they are never printed.
/// </summary>
public sealed class StorageFactory(Func<string, string?> environment, string baseDirectory)
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";

    public string BaseDirectory { get; } = baseDirectory;

    public static StorageFactory FromProcess(string? baseDirectory = null) =>
        new(Environment.GetEnvironmentVariable, baseDirectory ?? Directory.GetCurrentDirectory());

    public static bool IsAzure(string uri) =>
        uri.StartsWith("az://", StringComparison.OrdinalIgnoreCase)
        || (uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && uri.Contains(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase));

    /// <summary>The same factory resolving relative local paths against another directory.</summary>
    public StorageFactory RelativeTo(string directory) => new(environment, Path.GetFullPath(directory, BaseDirectory));

    public IStorage Open(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (uri.StartsWith("az://", StringComparison.OrdinalIgnoreCase))
        {
            return OpenAz(uri);
        }

        if (IsAzure(uri))
        {
            return OpenHttps(uri);
        }

        if (uri.Contains("://", StringComparison.Ordinal) && !uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"unsupported storage URI '{uri}': use a local path, az://container/prefix or https://ACCOUNT.blob.core.windows.net/container/prefix");
        }

        var local = uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(uri).LocalPath : uri;
        return new LocalStorage(Path.GetFullPath(local, BaseDirectory), uri);
    }

    private IStorage OpenAz(string uri)
    {
        var (container, prefix) = SplitContainer(uri["az://".Length..], uri);
        BlobServiceClient service;
        var connectionString = environment(ConnectionStringVariable);
        if (!string.IsNullOrEmpty(connectionString))
        {
            service = new BlobServiceClient(connectionString);
        }
        else if (environment(AccountVariable) is { Length: > 0 } account)
        {
            service = new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new DefaultAzureCredential());
        }
        else
        {
            throw new UsageException($"{uri}: az:// URIs need {ConnectionStringVariable} (or {AccountVariable} for Entra ID sign-in) in the environment");
        }

        return new AzureBlobStorage(service.GetBlobContainerClient(container), prefix, uri);
    }

    private IStorage OpenHttps(string uri)
    {
        var parsed = new Uri(uri);
        var (container, prefix) = SplitContainer(parsed.AbsolutePath.TrimStart('/'), uri);
        var connectionString = environment(ConnectionStringVariable);
        var service = !string.IsNullOrEmpty(connectionString)
            ? new BlobServiceClient(connectionString)
            : new BlobServiceClient(new Uri(parsed.GetLeftPart(UriPartial.Authority)), new DefaultAzureCredential());
        return new AzureBlobStorage(service.GetBlobContainerClient(container), Uri.UnescapeDataString(prefix), uri);
    }

    private static (string Container, string Prefix) SplitContainer(string path, string uri)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? path : path[..slash];
        var prefix = slash < 0 ? string.Empty : path[(slash + 1)..].Trim('/');
        if (container.Length == 0)
        {
            throw new UsageException($"'{uri}' names no container");
        }

        return (container, prefix);
    }
}
