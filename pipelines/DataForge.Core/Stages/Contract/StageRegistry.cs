namespace DataForge.Core.Stages.Contract;

/// <summary>
/// The stage kinds a pipeline may name. Each pipeline project contributes its definitions; the CLI composes them.
/// The registry is also the reject-code catalogue: every reason some stage declares, with its meaning and stages.
/// </summary>
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

        var catalogue = new SortedDictionary<string, CataloguedReason>(StringComparer.Ordinal);
        foreach (var definition in _definitions.Values)
        {
            foreach (var reason in definition.Reasons)
            {
                if (catalogue.TryGetValue(reason.Code, out var known))
                {
                    if (!ReferenceEquals(known.Reason, reason) && known.Reason != reason)
                    {
                        throw new ArgumentException($"the reject reason '{reason.Code}' is declared twice with different meanings", nameof(definitions));
                    }

                    catalogue[reason.Code] = known with { Stages = [.. known.Stages.Append(definition.Name).Distinct()] };
                }
                else
                {
                    catalogue[reason.Code] = new CataloguedReason(reason, [definition.Name]);
                }
            }
        }

        Reasons = catalogue;
    }

    public IEnumerable<StageDefinition> Definitions => _definitions.Values;

    /// <summary>Every reject reason of every stage, by code.</summary>
    public IReadOnlyDictionary<string, CataloguedReason> Reasons { get; }

    public StageDefinition Resolve(string name, string where) =>
        _definitions.TryGetValue(name, out var definition)
            ? definition
            : throw new UsageException($"{where}: unknown stage '{name}'{NearestName.Hint(name, _definitions.Keys)} (known stages: {string.Join(", ", _definitions.Keys)})");
}

/// <summary>A reason in the catalogue, with the stages that declare it.</summary>
public sealed record CataloguedReason(RejectReason Reason, IReadOnlyList<string> Stages);
