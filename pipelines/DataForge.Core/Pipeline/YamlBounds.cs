using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DataForge.Core.Pipeline;

/// <summary>
/// A pass over the YAML events, iterative, before any tree is built: YamlDotNet's node model and the JSON conversion
/// both recurse (YAML nested 100 000 deep overflowed the stack and killed the process) and aliases are expanded
/// where used (nine levels of nine aliases, "billion laughs", is 387 million nodes from 300 bytes). A pipeline needs
/// neither; both are refused with a line naming the file.
/// </summary>
internal static class YamlBounds
{
    public const int MaxDepth = 64;
    public const long MaxNodes = 100_000;

    /// <summary>Throws <see cref="UsageException"/> when the YAML nests too deep, an alias names a node it lies inside (or none), or aliases expand it past <see cref="MaxNodes"/>.</summary>
    public static void Check(string yaml, string fileName)
    {
        var parser = new Parser(new StringReader(yaml));
        var open = new Stack<(string? Anchor, long Start)>();
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long nodes = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        sizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case NodeEvent start and (MappingStart or SequenceStart):
                    nodes++;
                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes));
                    if (open.Count > MaxDepth)
                    {
                        throw new UsageException($"{fileName}:{start.Start.Line}:{start.Start.Column}: the YAML nests deeper than {MaxDepth} levels");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    var (anchor, first) = open.Pop();
                    if (anchor is not null)
                    {
                        sizes[anchor] = nodes - first + 1;
                    }

                    break;
                case AnchorAlias alias:
                    if (!sizes.TryGetValue(alias.Value.Value, out var size))
                    {
                        throw new UsageException($"{fileName}:{alias.Start.Line}:{alias.Start.Column}: alias *{alias.Value.Value} refers to a node it lies inside, or to none before it");
                    }

                    nodes += size;
                    break;
            }

            if (nodes > MaxNodes)
            {
                throw new UsageException($"{fileName}:{parser.Current!.Start.Line}:{parser.Current.Start.Column}: the YAML expands (aliases counted at every use) to more than {MaxNodes:N0} nodes");
            }
        }
    }
}
