namespace DataForge.Core.Model;

/// <summary>One element of an interleaved sample, in reading order.</summary>
public abstract record Part(Role Role)
{
    /// <summary>The wire name of the part kind: text, image or audio.</summary>
    public abstract string Kind { get; }
}

public sealed record TextPart(string Text, Role Role) : Part(Role)
{
    public override string Kind => "text";
}

public sealed record ImagePart(MediaRef Media, int Width, int Height, Role Role) : Part(Role)
{
    public override string Kind => "image";
}

public sealed record AudioPart(MediaRef Media, double DurationSeconds, int SampleRate, Role Role) : Part(Role)
{
    public override string Kind => "audio";
}
