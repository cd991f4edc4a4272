using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Pipeline;

/// <summary>
/// What a run is: written to <c>_tasks/_plan.json</c> when it starts, read by <c>dataforge status</c>. Nothing in it
/// depends on where the run happens (no paths), so the output stays byte-identical between a local and a cloud run.
/// </summary>
public sealed record RunPlan(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tasks")] int Tasks,
    [property: JsonPropertyName("config_hash")] string ConfigHash);

/// <summary>A running task's lease, <c>_tasks/NNNNN/_LEASE</c>, rewritten every <see cref="TaskFiles.HeartbeatSeconds"/> seconds.</summary>
public sealed record TaskLease(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("started")] DateTimeOffset Started,
    [property: JsonPropertyName("heartbeat")] DateTimeOffset Heartbeat);

/// <summary>Why a task failed, <c>_tasks/NNNNN/_FAILED</c>; removed when the task later succeeds.</summary>
public sealed record TaskFailure(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("host")] string Host);

/// <summary>Paths of the task state files and the lease timing.</summary>
public static partial class TaskFiles
{
    public const int HeartbeatSeconds = 30;

    public const string Plan = "_tasks/_plan.json";

    public static string Lease(int task) => $"_tasks/{task:D5}/_LEASE";

    public static string Failure(int task) => $"_tasks/{task:D5}/_FAILED";

    /// <summary>An error message with anything that looks like a credential (account keys, SAS signatures, bearer tokens) blanked.</summary>
    public static string Redact(string message) => Secrets().Replace(message, match => $"{match.Groups["name"].Value}***");

    [GeneratedRegex(@"(?<name>(AccountKey|SharedAccessSignature|SharedAccessKey|sig|Bearer |api[_-]?key)\s*[=:]?\s*)[^;&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Secrets();
}
