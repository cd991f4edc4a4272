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

    /// <summary>Retries of a failed storage request (503, timeouts, resets) before the task fails; default 5.</summary>
    public const string RetriesVariable = "DATAFORGE_AZURE_RETRIES";

    /// <summary>Seconds without an answer before a storage request counts as timed out and is retried; default 100.</summary>
    public const string TimeoutVariable = "DATAFORGE_AZURE_TIMEOUT";

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
        if (uri.Contains('\0', StringComparison.Ordinal))
        {
            // A path from data (a manifest row) may hold one; the file system cannot name it (GetFullPath throws).
            throw new UsageException($"'{uri.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character, which no path can");
        }

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

        var local = uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase)
            ? (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.LocalPath : throw new UsageException($"'{uri}' is not a file:// URI"))
            : uri;
        return new LocalStorage(Path.GetFullPath(local, BaseDirectory), uri);
    }

    private IStorage OpenAz(string uri)
    {
        var (container, prefix) = SplitContainer(uri["az://".Length..], uri);
        BlobServiceClient service;
        var connectionString = environment(ConnectionStringVariable);
        if (!string.IsNullOrEmpty(connectionString))
        {
            service = FromConnectionString(connectionString);
        }
        else if (environment(AccountVariable) is { Length: > 0 } account)
        {
            service = new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new DefaultAzureCredential(), ClientOptions());
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
            ? FromConnectionString(connectionString)
            : new BlobServiceClient(new Uri(parsed.GetLeftPart(UriPartial.Authority)), new DefaultAzureCredential(), ClientOptions());
        // Shown in messages, manifests and rejects: without a query string, which would carry a SAS signature.
        return new AzureBlobStorage(service.GetBlobContainerClient(container), Uri.UnescapeDataString(prefix), parsed.GetLeftPart(UriPartial.Path));
    }

    private BlobServiceClient FromConnectionString(string connectionString)
    {
        try
        {
            return new BlobServiceClient(connectionString, ClientOptions());
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // The SDK's message names what is wrong, never the string itself (which holds the account key).
            throw new UsageException($"{ConnectionStringVariable} is not a usable connection string: {e.Message}");
        }
    }

    /// <summary>
    /// The SDK's retry policy (exponential back-off from 0.8 s, at most 30 s apart) with the retry count and network
    /// timeout from the environment: transient faults are retried there, below DataForge, so a write either completes
    /// or the task fails with the last error.
    /// </summary>
    private BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromSeconds(0.8);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Retry.MaxRetries = PositiveSetting(RetriesVariable, 5, allowZero: true);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(PositiveSetting(TimeoutVariable, 100, allowZero: false));
        return options;
    }

    private int PositiveSetting(string variable, int fallback, bool allowZero)
    {
        var text = environment(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && (value > 0 || (allowZero && value == 0))
            ? value
            : throw new UsageException($"{variable}={text}: expected a whole number{(allowZero ? string.Empty : " above 0")}");
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
