using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace DataForge.Core.Model;

/// <summary>
/// The one record every stage reads and writes (DESIGN.md §1). <see cref="Meta"/> is a JSON object kept as
/// canonical text so that equal samples serialise to equal bytes.
/// </summary>
public sealed record Sample
{
    public Sample(string id, string source, ImmutableArray<Part> parts, string meta = "{}", string? split = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Source = source;
        Parts = parts.IsDefault ? [] : parts;
        Meta = meta;
        Split = split;
    }

    public string Id { get; init; }

    public string Source { get; init; }

    public ImmutableArray<Part> Parts { get; init; }

    /// <summary>A JSON object, as text.</summary>
    public string Meta { get; init; }

    public string? Split { get; init; }

    public JsonObject MetaObject() => JsonNode.Parse(Meta) as JsonObject ?? [];

    /// <summary>A copy with one meta key set.</summary>
    public Sample WithMeta(string key, JsonNode? value)
    {
        var meta = MetaObject();
        meta[key] = value;
        return this with { Meta = meta.ToJsonString() };
    }

    public bool Equals(Sample? other) =>
        other is not null && Id == other.Id && Source == other.Source && Meta == other.Meta && Split == other.Split
        && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => HashCode.Combine(Id, Source, Meta, Split, Parts.Length);
}
