using System.Globalization;
using System.Text;

namespace DataForge.Core.Stages.Contract;

/// <summary>
/// What users read about stages, rendered from the declarations alone: <c>dataforge stages NAME</c>, docs/stages.md
/// and schemas/reject-codes.md. Tests regenerate the two files and fail when the committed ones are stale.
/// </summary>
public static class StageReference
{
    public const string RegenerateHint = "regenerate with `DATAFORGE_DOCS_WRITE=1 dotnet test tests/DataForge.Cli.Tests --filter StageContractTests`";

    /// <summary>One stage as plain text: summary, options (name, flag, type, default, description) and reasons.</summary>
    public static string Text(StageDefinition definition)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{definition.Name}{(definition.IsSource ? " (source)" : string.Empty)}: {definition.Summary}\n\n");
        if (definition.Options.Count == 0)
        {
            text.Append("options: none\n");
        }
        else
        {
            text.Append("options (YAML name, command-line flag, type, default):\n");
            foreach (var option in definition.Options)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {option.Name}  [{Flags(option)}]  {option.Type}, default {option.Default}\n      {option.Description}\n");
            }
        }

        text.Append('\n');
        if (definition.Reasons.Count == 0)
        {
            text.Append("reject reasons: none\n");
        }
        else
        {
            text.Append("reject reasons:\n");
            foreach (var reason in definition.Reasons.OrderBy(reason => reason.Code, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {reason.Code,-30} {reason.Meaning}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>docs/stages.md: every stage's options and reasons.</summary>
    public static string OptionsMarkdown(StageRegistry registry)
    {
        var text = new StringBuilder();
        text.Append("# Stage reference\n\n");
        text.Append("Generated from the stages' option declarations (`[Option]` on their options records); do not edit by hand.\n");
        text.Append(CultureInfo.InvariantCulture, $"The same text, one stage at a time: `dataforge stages NAME`. To change it, edit the declarations and {RegenerateHint}.\n\n");
        text.Append("Options are written in snake_case in a pipeline file (`- pack: {seq_len: 1024}`) and in `--config FILE`, and as\n");
        text.Append("kebab-case flags on the stage's own command (`dataforge pack … --seq-len 1024`); lists take comma-separated values on\n");
        text.Append("the command line; mappings only in YAML.\n\n");
        foreach (var definition in registry.Definitions)
        {
            text.Append(CultureInfo.InvariantCulture, $"- [`{definition.Name}`](#{definition.Name}): {definition.Summary}\n");
        }

        foreach (var definition in registry.Definitions)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## {definition.Name}\n\n{Capitalize(definition.Summary)}.{(definition.IsSource ? " A source: it reads its `inputs` (else the pipeline's) and passes upstream samples through first." : string.Empty)}\n\n");
            if (definition.Options.Count == 0)
            {
                text.Append("No options.\n");
            }
            else
            {
                text.Append("| option | flag | type | default | description |\n|---|---|---|---|---|\n");
                foreach (var option in definition.Options)
                {
                    text.Append(CultureInfo.InvariantCulture, $"| `{option.Name}` | {Flags(option)} | {option.Type} | `{Cell(option.Default)}` | {Cell(option.Description)} |\n");
                }
            }

            text.Append('\n');
            text.Append(definition.Reasons.Count == 0
                ? "Rejects: none.\n"
                : $"Rejects: {string.Join(", ", definition.Reasons.Select(reason => reason.Code).Order(StringComparer.Ordinal).Select(code => $"`{code}`"))} (see [reject codes](../schemas/reject-codes.md)).\n");
        }

        return text.ToString();
    }

    /// <summary>schemas/reject-codes.md: the catalogue, one row per code.</summary>
    public static string RejectCodesMarkdown(StageRegistry registry)
    {
        var text = new StringBuilder();
        text.Append("# Reject codes\n\n");
        text.Append("Every `reason` a line of `rejects/*.jsonl` can carry (schemas/reject.schema.json), generated from the reject\n");
        text.Append("catalogues (`*RejectReasons.cs`) and the stages that declare them; do not edit by hand.\n");
        text.Append(CultureInfo.InvariantCulture, $"To change it, edit the catalogues and {RegenerateHint}.\n\n");
        text.Append("| code | stages | meaning |\n|---|---|---|\n");
        foreach (var (code, entry) in registry.Reasons)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{code}` | {string.Join(", ", entry.Stages)} | {Cell(entry.Reason.Meaning)} |\n");
        }

        return text.ToString();
    }

    /// <summary>How the command line gives the option: its flags, the command's arguments (inputs), or not at all (mappings).</summary>
    private static string Flags(StageOption option) =>
        option.Name == "inputs" ? "the command's arguments"
        : option.Kind == OptionValueKind.Structured ? "YAML or --config only"
        : string.Join(", ", new[] { option.Flag }.Concat(option.Aliases));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
