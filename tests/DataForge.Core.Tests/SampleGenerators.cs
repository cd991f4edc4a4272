using System.Collections.Immutable;
using System.Text.Json.Nodes;
using CsCheck;
using DataForge.Core.Model;

namespace DataForge.Core.Tests;

/// <summary>CsCheck generators of valid samples, covering every part kind, null fields and non-ASCII text.</summary>
internal static class SampleGenerators
{
    public static readonly Gen<string> Text = Gen.OneOf(
        Gen.String,
        Gen.Const(string.Empty),
        Gen.Const("混合专家模型 🚀 <|endoftext|>\n\ttabs"),
        Gen.Char['a', 'z'].Array[0, 40].Select(chars => new string(chars)));

    public static readonly Gen<Role> Role = Gen.Enum<Role>();

    public static readonly Gen<MediaRef> Media = Gen.Byte.Array[32].Select(bytes => new MediaRef(Convert.ToHexStringLower(bytes), "image/png"));

    public static readonly Gen<Part> Part = Gen.OneOf<Part>(
        Gen.Select(Text, Role, (text, role) => (Part)new TextPart(text, role)),
        Gen.Select(Media, Gen.Int[1, 10000], Gen.Int[1, 10000], Role, (media, width, height, role) => (Part)new ImagePart(media, width, height, role)),
        Gen.Select(Media, Gen.Double[0, 3600], Gen.Int[8000, 48000], Role, (media, duration, rate, role) =>
            (Part)new AudioPart(new MediaRef(media.Sha256, "audio/wav"), duration, rate, role)));

    public static readonly Gen<Sample> Sample = Gen.Select(
        Gen.Char['a', 'z'].Array[1, 12].Select(chars => new string(chars)),
        Text,
        Part.Array[0, 6],
        Gen.Int[0, 2].Select(choice => choice switch { 0 => null, 1 => "train", _ => (string?)"test" }),
        Gen.Int[0, 1000],
        (id, source, parts, split, number) => new Sample(
            id, source, [.. parts], new JsonObject { ["n"] = number, ["tag"] = "x" }.ToJsonString(), split));
}
