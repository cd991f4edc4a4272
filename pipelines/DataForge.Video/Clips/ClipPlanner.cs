namespace DataForge.Video.Clips;

/// <summary>
/// Where a video is cut into clips. <c>fixed</c>: windows of clip_seconds from the start; a remainder shorter than
/// min_clip_seconds joins the window before it (a whole video shorter than that is one clip, judged by the caller).
/// <c>scene</c>: cut at each scene change (ffmpeg's scene score over the threshold); a scene shorter than
/// min_clip_seconds joins the next one (the last joins the one before), a scene longer than max_clip_seconds is cut
/// into the fewest equal parts that fit. <c>whole</c>: one clip, cut like a long scene when over max_clip_seconds.
/// Pure arithmetic on seconds: the same video and options give the same clips on every machine.
/// </summary>
public static class ClipPlanner
{
    public static IReadOnlyList<ClipWindow> Fixed(double total, double clipSeconds, double minClipSeconds)
    {
        if (!(total > 0))
        {
            return [];
        }

        var clips = new List<ClipWindow>();
        var whole = (long)Math.Floor(total / clipSeconds + 1e-9);
        for (var k = 0L; k < whole; k++)
        {
            clips.Add(new ClipWindow(k * clipSeconds, Math.Min(total, (k + 1) * clipSeconds)));
        }

        var tail = total - (whole * clipSeconds);
        if (tail > 1e-9)
        {
            if (tail >= minClipSeconds || clips.Count == 0)
            {
                clips.Add(new ClipWindow(whole * clipSeconds, total));
            }
            else
            {
                clips[^1] = clips[^1] with { End = total };
            }
        }

        return clips;
    }

    /// <param name="cuts">scene changes, seconds from the first frame, in any order</param>
    public static IReadOnlyList<ClipWindow> Scenes(double total, IEnumerable<double> cuts, double minClipSeconds, double maxClipSeconds)
    {
        if (!(total > 0))
        {
            return [];
        }

        var bounds = new List<double> { 0 };
        bounds.AddRange(cuts.Where(cut => cut > 1e-9 && cut < total - 1e-9).Order().Distinct());
        bounds.Add(total);
        var scenes = new List<ClipWindow>();
        for (var k = 0; k + 1 < bounds.Count; k++)
        {
            scenes.Add(new ClipWindow(bounds[k], bounds[k + 1]));
        }

        // Short scenes join the next (a flash of a few frames is not a clip); the last joins the one before.
        var merged = new List<ClipWindow>();
        var pending = (ClipWindow?)null;
        foreach (var scene in scenes)
        {
            var current = pending is { } open ? new ClipWindow(open.Start, scene.End) : scene;
            if (current.Duration < minClipSeconds)
            {
                pending = current;
                continue;
            }

            merged.Add(current);
            pending = null;
        }

        if (pending is { } rest)
        {
            if (merged.Count > 0)
            {
                merged[^1] = merged[^1] with { End = rest.End };
            }
            else
            {
                merged.Add(rest);
            }
        }

        return SplitLong(merged, maxClipSeconds);
    }

    public static IReadOnlyList<ClipWindow> Whole(double total, double maxClipSeconds) =>
        total > 0 ? SplitLong([new ClipWindow(0, total)], maxClipSeconds) : [];

    private static List<ClipWindow> SplitLong(List<ClipWindow> clips, double maxClipSeconds)
    {
        var result = new List<ClipWindow>();
        foreach (var clip in clips)
        {
            var parts = Math.Max(1, (int)Math.Ceiling((clip.Duration / maxClipSeconds) - 1e-9));
            var length = clip.Duration / parts;
            for (var k = 0; k < parts; k++)
            {
                result.Add(new ClipWindow(clip.Start + (k * length), k == parts - 1 ? clip.End : clip.Start + ((k + 1) * length)));
            }
        }

        return result;
    }
}
