using System.Collections.Immutable;
using DataForge.Core.Inspect;
using DataForge.Core.Model;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.DedupExact;

namespace DataForge.Core.Tests;

/// <summary>A part kind that a switch does not know is a bug that stops the run, never a part dropped from the output.</summary>
public sealed class PartKindTests
{
    /// <summary>A kind added to the model without teaching the switches about it (as video will be).</summary>
    private sealed record HologramPart(Role Role) : Part(Role)
    {
        public override string Kind => "hologram";
    }

    private static readonly Sample WithUnknownKind = new("s", "t", ImmutableArray.Create<Part>(new TextPart("text", Role.Target), new HologramPart(Role.Content)));

    [Fact]
    public void Counting_mapping_rendering_and_hashing_an_unknown_kind_throw_naming_it()
    {
        var actions = new Action[]
        {
            () => new PartCounts().Add(WithUnknownKind),
            () => SampleRowMapper.PartJson(WithUnknownKind.Parts[1]),
            () => SampleText.Describe(WithUnknownKind),
            () => SampleText.ToJson(WithUnknownKind),
            () => new DedupExactStage(new DedupExactOptions()).ContentKey(WithUnknownKind),
            () => SampleMeasures.ContentKey(WithUnknownKind.Parts, includeRoles: true),
        };
        foreach (var action in actions)
        {
            var error = Assert.Throws<InvalidOperationException>(action);
            Assert.Contains("part kind 'hologram' is not handled here", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Image_and_audio_parts_share_the_media_part_base()
    {
        var media = new MediaRef(new string('a', 64), "image/png");
        Part[] parts = [new ImagePart(media, 2, 2, Role.Content), new AudioPart(new MediaRef(new string('b', 64), "audio/wav"), 1, 16_000, Role.Content), new TextPart("x", Role.Target)];
        Assert.Equal(["image/png", "audio/wav"], parts.OfType<MediaPart>().Select(part => part.Media.Mime));
    }
}
