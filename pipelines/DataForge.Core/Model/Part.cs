using System.Collections.Immutable;

namespace DataForge.Core.Model;

/// <summary>
/// One element of an interleaved sample, in reading order. The kinds are closed: every switch over parts handles
/// each kind and throws <see cref="Unhandled"/> for any other, so a kind added later cannot be dropped silently.
/// </summary>
public abstract record Part(Role Role)
{
    /// <summary>The wire name of the part kind: text, image, audio or video.</summary>
    public abstract string Kind { get; }

    /// <summary>The error for a part kind a switch does not know: a bug, never a reject.</summary>
    public static InvalidOperationException Unhandled(Part part) =>
        new($"part kind '{part.Kind}' is not handled here (every switch over parts must handle every kind)");
}

public sealed record TextPart(string Text, Role Role) : Part(Role)
{
    public override string Kind => "text";
}

/// <summary>A part whose bytes live in the media store (DESIGN.md §1: MediaRef).</summary>
public abstract record MediaPart(MediaRef Media, Role Role) : Part(Role);

public sealed record ImagePart(MediaRef Media, int Width, int Height, Role Role) : MediaPart(Media, Role)
{
    public override string Kind => "image";
}

public sealed record AudioPart(MediaRef Media, double DurationSeconds, int SampleRate, Role Role) : MediaPart(Media, Role)
{
    public override string Kind => "audio";
}

/// <summary>
/// A clip of a video (DESIGN.md §1): <see cref="MediaPart.Media"/> is the whole source video (stored once, shared by
/// all its clips), the clip is <see cref="DurationSeconds"/> from <see cref="StartSeconds"/> into it, and the frames
/// sampled from it are images in the media store (<see cref="Frames"/>, JPEG, at <see cref="FrameTimes"/> seconds from
/// the clip's start, in order). <see cref="Width"/> × <see cref="Height"/> is the frames' size (displayed, after the
/// stream's rotation; scaled under read-video's pixel cap); <see cref="Fps"/> the source's average frame rate.
/// </summary>
public sealed record VideoPart(
    MediaRef Media,
    double StartSeconds,
    double DurationSeconds,
    double Fps,
    int Width,
    int Height,
    ImmutableArray<double> FrameTimes,
    ImmutableArray<MediaRef> Frames,
    Role Role) : MediaPart(Media, Role)
{
    /// <summary>Sampled frames are stored as JPEG (read-video encodes them; the row names only their hashes).</summary>
    public const string FrameMime = "image/jpeg";

    public override string Kind => "video";

    /// <summary>Records compare arrays by reference; two clips are equal when their frames are.</summary>
    public bool Equals(VideoPart? other) =>
        other is not null && base.Equals(other) && StartSeconds.Equals(other.StartSeconds) && DurationSeconds.Equals(other.DurationSeconds)
        && Fps.Equals(other.Fps) && Width == other.Width && Height == other.Height
        && FrameTimes.AsSpan().SequenceEqual(other.FrameTimes.AsSpan()) && Frames.AsSpan().SequenceEqual(other.Frames.AsSpan());

    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), StartSeconds, DurationSeconds, Frames.Length);
}
