using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.Write;

public sealed record WriteOptions : IStageOptions
{
    [Option("Samples per Parquet row group: the unit of memory while writing and of parallelism while reading.")]
    public int RowGroupSize { get; init; } = 1024;

    public IEnumerable<string> Validate()
    {
        if (RowGroupSize is < 1 or > 1_000_000)
        {
            yield return "row_group_size must be between 1 and 1000000";
        }
    }
}
