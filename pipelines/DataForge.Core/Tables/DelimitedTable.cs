using System.Runtime.CompilerServices;
using System.Text;
using DataForge.Core.Storage;

namespace DataForge.Core.Tables;

/// <summary>One data row of a TSV or CSV file: values by column name, and the line it started on (for rejects).</summary>
public sealed record TableRow(int Line, IReadOnlyDictionary<string, string> Values)
{
    public string? this[string column] => Values.TryGetValue(column, out var value) && value.Length > 0 ? value : null;
}

/// <summary>
/// Streams a table with a header row: tab-separated (no quoting, as TSV tools write it) or comma-separated with
/// RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line breaks). Column names are trimmed and
/// lower-cased; a row with more fields than the header is an error the caller turns into a reject.
/// </summary>
public static class DelimitedTable
{
    public static char SeparatorFor(string path) =>
        FileFormats.Of(path).Format == FileFormat.Csv ? ',' : '\t';

    public static async IAsyncEnumerable<(TableRow? Row, string? Problem, int Line)> ReadAsync(
        TextReader reader,
        char separator,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string>? header = null;
        var line = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = line + 1;
            var (fields, linesRead) = await ReadRecordAsync(reader, separator);
            if (fields is null)
            {
                yield break;
            }

            line += linesRead;
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (header is null)
            {
                header = [.. fields.Select(name => name.Trim().TrimStart('\uFEFF').ToLowerInvariant())];
                continue;
            }

            if (fields.Count > header.Count)
            {
                yield return (null, $"line {start} has {fields.Count} fields, the header names {header.Count}", start);
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                values[header[i]] = i < fields.Count ? fields[i].Trim() : string.Empty;
            }

            yield return (new TableRow(start, values), null, start);
        }
    }

    private static async Task<(List<string>? Fields, int Lines)> ReadRecordAsync(TextReader reader, char separator)
    {
        var first = await reader.ReadLineAsync();
        if (first is null)
        {
            return (null, 0);
        }

        if (separator == '\t')
        {
            return ([.. first.Split('\t')], 1);
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var text = first;
        var lines = 1;
        var quoted = false;
        var position = 0;
        while (true)
        {
            if (position >= text.Length)
            {
                if (!quoted)
                {
                    fields.Add(field.ToString());
                    return (fields, lines);
                }

                // A quoted field goes on over the line break.
                var next = await reader.ReadLineAsync();
                if (next is null)
                {
                    fields.Add(field.ToString());
                    return (fields, lines);
                }

                field.Append('\n');
                text = next;
                position = 0;
                lines++;
                continue;
            }

            var c = text[position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (position < text.Length && text[position] == '"')
                    {
                        field.Append('"');
                        position++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
