namespace DataForge.Core.Model;

/// <summary>
/// One element of an interleaved sample, in reading order. The kinds are closed: every switch over parts handles
/// each kind and throws <see cref="Unhandled"/> for any other, so a kind added later cannot be dropped silently.
/// </summary>
public abstract record Part(Role Role)
{
    /// <summary>The wire name of the part kind: text, image or audio.</summary>
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
