namespace DataForge.Speech.Audio;

/// <summary>A stretch of a recording, in samples: [Start, End).</summary>
public readonly record struct AudioSpan(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Splits long mono audio at silences: 30 ms frames, each speech or silence by its RMS level against a threshold
/// set from the recording itself (a fixed margin above its quiet frames, never below an absolute floor), runs of
/// silence long enough to be pauses become cut points, and the pieces are merged or split to stay within the
/// minimum and maximum duration. Cuts fall in the middle of pauses, so no word is clipped.
/// </summary>
public sealed class EnergyVad(double minSeconds = 0.5, double maxSeconds = 30, double minPauseSeconds = 0.3, double marginDb = 12, double floorDb = -50)
{
    private const double FrameSeconds = 0.03;

    public IReadOnlyList<AudioSpan> Split(PcmAudio audio)
    {
        if (audio.Channels != 1)
        {
            throw new ArgumentException("the VAD takes mono audio", nameof(audio));
        }

        var frame = Math.Max(1, (int)(audio.SampleRate * FrameSeconds));
        var frames = audio.Samples.Length / frame;
        if (frames == 0)
        {
            return audio.Samples.Length == 0 ? [] : [new AudioSpan(0, audio.Samples.Length)];
        }

        var levels = new double[frames];
        for (var f = 0; f < frames; f++)
        {
            double sum = 0;
            for (var i = f * frame; i < (f + 1) * frame; i++)
            {
                sum += (double)audio.Samples[i] * audio.Samples[i];
            }

            levels[f] = 10 * Math.Log10((sum / frame / (32768.0 * 32768.0)) + 1e-12);
        }

        // The 10th percentile is the recording's quiet level and speech sits well above it; a recording with no quiet
        // part (speech throughout) is judged against its loud level instead.
        var sorted = levels.Order().ToArray();
        var threshold = Math.Max(floorDb, Math.Min(sorted[frames / 10] + marginDb, sorted[frames * 9 / 10] - 6));
        var speech = levels.Select(level => level > threshold).ToArray();

        // Speech runs, then pauses shorter than minPause bridged.
        var minPauseFrames = (int)Math.Ceiling(minPauseSeconds / FrameSeconds);
        var runs = new List<(int Start, int End)>();
        for (var f = 0; f < frames;)
        {
            if (!speech[f])
            {
                f++;
                continue;
            }

            var start = f;
            while (f < frames && speech[f])
            {
                f++;
            }

            if (runs.Count > 0 && start - runs[^1].End < minPauseFrames)
            {
                runs[^1] = (runs[^1].Start, f);
            }
            else
            {
                runs.Add((start, f));
            }
        }

        return Fit(runs, frame, audio.Samples.Length, audio.SampleRate);
    }

    /// <summary>Cuts in the middle of each pause; short pieces join a neighbour, long ones are cut at their quietest gap or evenly.</summary>
    private List<AudioSpan> Fit(List<(int Start, int End)> runs, int frame, int totalSamples, int rate)
    {
        var spans = new List<AudioSpan>();
        for (var r = 0; r < runs.Count; r++)
        {
            var start = r == 0 ? Math.Max(0, (runs[r].Start - 5) * frame) : spans[^1].End;
            var end = r == runs.Count - 1
                ? Math.Min(totalSamples, (runs[r].End + 5) * frame)
                : (runs[r].End + runs[r + 1].Start) / 2 * frame;
            spans.Add(new AudioSpan(start, end));
        }

        var min = (int)(minSeconds * rate);
        var max = (int)(maxSeconds * rate);
        var merged = new List<AudioSpan>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && (merged[^1].Length < min || span.Length < min) && merged[^1].Length + span.Length <= max && merged[^1].End == span.Start)
            {
                merged[^1] = new AudioSpan(merged[^1].Start, span.End);
            }
            else
            {
                merged.Add(span);
            }
        }

        var result = new List<AudioSpan>();
        foreach (var span in merged)
        {
            var pieces = (int)Math.Ceiling(span.Length / (double)max);
            for (var p = 0; p < pieces; p++)
            {
                result.Add(new AudioSpan(span.Start + (int)((long)span.Length * p / pieces), span.Start + (int)((long)span.Length * (p + 1) / pieces)));
            }
        }

        return result;
    }
}
