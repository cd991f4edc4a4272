using System.Text;
using CsCheck;
using DataForge.Core.Tables;

namespace DataForge.Core.Tests;

public sealed class DelimitedTableTests
{
    private static async Task<List<(TableRow? Row, string? Problem, int Line)>> ReadAsync(string text, char separator) =>
        await DelimitedTable.ReadAsync(new StringReader(text), separator).ToListAsync();

    [Fact]
    public async Task Csv_fields_may_hold_commas_quotes_and_line_breaks()
    {
        var rows = await ReadAsync("Audio,Text,Speaker\na.wav,\"Hello, \"\"world\"\"\",s1\nb.wav,\"two\nlines\",s2\n\nc.wav,plain\n", ',');

        Assert.Equal(3, rows.Count);
        Assert.Equal("Hello, \"world\"", rows[0].Row!["text"]);
        Assert.Equal("two\nlines", rows[1].Row!["text"]);
        Assert.Equal(3, rows[1].Line);
        Assert.Equal(6, rows[2].Line);
        Assert.Null(rows[2].Row!["speaker"]);
    }

    [Fact]
    public async Task Tsv_rows_with_too_many_fields_are_problems_not_exceptions()
    {
        var rows = await ReadAsync("\uFEFFaudio\ttext\na.wav\thi\nb.wav\thi\textra\n", '\t');

        Assert.Equal("a.wav", rows[0].Row!["audio"]);
        Assert.Null(rows[1].Row);
        Assert.Contains("line 3 has 3 fields", rows[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_csv_written_with_quoting_reads_back() =>
        await Gen.String[Gen.Char["ab,\"\n x中"], 0, 12].Array[3].Array[1, 8].SampleAsync(async records =>
        {
            var text = new StringBuilder("a,b,c\n");
            foreach (var record in records)
            {
                text.Append(string.Join(',', record.Select(field => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))).Append('\n');
            }

            var rows = await ReadAsync(text.ToString(), ',');

            Assert.Equal(records.Length, rows.Count);
            for (var i = 0; i < records.Length; i++)
            {
                Assert.Equal(records[i].Select(field => field.Trim()), new[] { "a", "b", "c" }.Select(column => rows[i].Row!.Values[column]));
            }
        });
}
