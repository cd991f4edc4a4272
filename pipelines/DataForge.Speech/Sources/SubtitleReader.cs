using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DataForge.Speech.Sources;

/// <summary>One subtitle cue: when it is spoken (seconds) and what is said.</summary>
public sealed record SubtitleCue(int Index, double Start, double End, string Text);

/// <summary>
/// SRT and WebVTT cues, for cutting a long recording into utterances at cue times. Markup (<c>&lt;i&gt;</c>, <c>{\an8}</c>,
/// VTT voice and class tags) is removed, multi-line cues are joined with a space; WebVTT NOTE, STYLE and REGION
/// blocks are skipped. A cue with a malformed or reversed timing line is a problem, not an exception.
/// </summary>
public static partial class SubtitleReader
{
    public static (IReadOnlyList<SubtitleCue> Cues, IReadOnlyList<string> Problems) Parse(string text)
    {
        var cues = new List<SubtitleCue>();
        var problems = new List<string>();
        var blocks = BlankLines().Split(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim('\uFEFF', '\n', ' '));
        foreach (var block in blocks)
        {
            var lines = block.Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0).ToList();
            if (lines.Count == 0 || lines[0].StartsWith("WEBVTT", StringComparison.Ordinal) || lines[0].StartsWith("NOTE", StringComparison.Ordinal)
                || lines[0] is "STYLE" or "REGION")
            {
                continue;
            }

            var timing = lines.FindIndex(line => line.Contains("-->", StringComparison.Ordinal));
            if (timing < 0)
            {
                problems.Add($"cue \"{lines[0]}\" has no timing line");
                continue;
            }

            var match = TimingLine().Match(lines[timing]);
            if (!match.Success)
            {
                problems.Add($"timing line \"{lines[timing]}\" is not hh:mm:ss,mmm --> hh:mm:ss,mmm");
                continue;
            }

            double start = Seconds(match.Groups["start"].Value), end = Seconds(match.Groups["end"].Value);
            if (end <= start)
            {
                problems.Add($"cue at {match.Groups["start"].Value} ends before it starts");
                continue;
            }

            var spoken = new StringBuilder();
            foreach (var line in lines.Skip(timing + 1))
            {
                spoken.Append(spoken.Length > 0 ? " " : string.Empty).Append(Markup().Replace(line, string.Empty).Trim());
            }

            cues.Add(new SubtitleCue(cues.Count + 1, start, end, spoken.ToString().Trim()));
        }

        return (cues, problems);
    }

    /// <summary>hh:mm:ss,mmm (SRT) or [hh:]mm:ss.mmm (VTT).</summary>
    private static double Seconds(string stamp)
    {
        var parts = stamp.Replace(',', '.').Split(':');
        var seconds = double.Parse(parts[^1], CultureInfo.InvariantCulture);
        var minutes = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        var hours = parts.Length == 3 ? int.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
        return (hours * 3600) + (minutes * 60) + seconds;
    }

    [GeneratedRegex(@"^(?<start>(?:\d{1,3}:)?\d{1,2}:\d{2}[,.]\d{1,3})\s*-->\s*(?<end>(?:\d{1,3}:)?\d{1,2}:\d{2}[,.]\d{1,3})")]
    private static partial Regex TimingLine();

    [GeneratedRegex(@"<[^>]*>|\{\\[^}]*\}")]
    private static partial Regex Markup();

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex BlankLines();
}
