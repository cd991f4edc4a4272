using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Tests;

public sealed class TaskSelectionTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;

    [Fact]
    public void Nothing_set_runs_every_task() =>
        Assert.Equal(new TaskSelection(null, null), TaskSelection.Resolve(null, null, Env()));

    [Fact]
    public void Slurm_array_ids_are_offset_by_the_array_minimum() =>
        Assert.Equal(
            new TaskSelection(2, 8),
            TaskSelection.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "8"))));

    [Fact]
    public void A_kubernetes_completion_index_is_honoured() =>
        Assert.Equal(new TaskSelection(5, 10), TaskSelection.Resolve(null, 10, Env(("JOB_COMPLETION_INDEX", "5"))));

    [Fact]
    public void The_command_line_wins_over_the_environment() =>
        Assert.Equal(new TaskSelection(1, 4), TaskSelection.Resolve(1, 4, Env(("JOB_COMPLETION_INDEX", "3"))));

    [Theory]
    [InlineData(4, 4)]
    [InlineData(-1, 4)]
    public void An_index_outside_the_task_count_is_a_usage_error(int index, int count) =>
        Assert.Throws<UsageException>(() => TaskSelection.Resolve(index, count, Env()));

    [Fact]
    public void A_malformed_variable_is_a_usage_error() =>
        Assert.Contains("JOB_COMPLETION_INDEX", Assert.Throws<UsageException>(() => TaskSelection.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "x")))).Message, StringComparison.Ordinal);
}
