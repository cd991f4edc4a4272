namespace DataForge.Core.Pipeline;

/// <summary>The stage kinds a pipeline may name. Each pipeline project contributes its definitions; the CLI composes them.</summary>
public sealed class StageRegistry
{
    private readonly SortedDictionary<string, StageDefinition> _definitions = new(StringComparer.Ordinal);

    public StageRegistry(IEnumerable<StageDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            if (!_definitions.TryAdd(definition.Name, definition))
            {
                throw new ArgumentException($"two stages are named '{definition.Name}'", nameof(definitions));
            }
        }
    }

    public IEnumerable<StageDefinition> Definitions => _definitions.Values;

    public StageDefinition Resolve(string name, string where) =>
        _definitions.TryGetValue(name, out var definition)
            ? definition
            : throw new UsageException($"{where}: unknown stage '{name}' (known stages: {string.Join(", ", _definitions.Keys)})");
}
