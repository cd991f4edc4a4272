using System.CommandLine;
using DataForge.Core;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>--device cpu|cuda</c> for commands that pack: where the tokenizer runs. The default comes from
/// <c>DATAFORGE_DEVICE</c> (so cluster nodes can be told through their environment), else <c>cpu</c>. The shards are the
/// same bytes either way; without a usable GPU, <c>cuda</c> falls back to the CPU with a warning.
/// </summary>
public static class PackDeviceOption
{
    public const string Variable = "DATAFORGE_DEVICE";

    public static Option<string?> Create() =>
        new("--device") { Description = $"cpu or cuda: where pack tokenizes (default: {Variable}, else cpu; same shards either way)" };

    public static string Resolve(ParseResult parse, Option<string?> option, CliContext app)
    {
        var device = parse.GetValue(option) ?? app.Environment(Variable) ?? "cpu";
        return device is "cpu" or "cuda" ? device : throw new UsageException($"--device {device}: use cpu or cuda");
    }
}
