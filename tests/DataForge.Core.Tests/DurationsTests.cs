namespace DataForge.Core.Tests;

/// <summary>Durations as people and Slurm write them (sbatch --time's d-hh:mm:ss), and nothing else.</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("90m", 5400)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("45s", 45)]
    [InlineData("1d", 86400)]
    [InlineData("3600", 3600)]
    [InlineData("1.5h", 5400)]
    [InlineData("10min", 600)]
    [InlineData("01:30:00", 5400)]
    [InlineData("1-02:00:00", 93600)]
    public void Parses_the_forms_jobs_use(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("0s")]
    [InlineData("h")]
    [InlineData("1e400")]
    [InlineData("99999999999d")]
    [InlineData("99999999-00:00:00")]
    [InlineData("2147483647-00:00:00")]
    public void Refuses_what_is_not_a_positive_duration(string text) => Assert.Null(Durations.Parse(text));

    [Theory]
    [InlineData(12.4, "12s")]
    [InlineData(185, "3m05s")]
    [InlineData(3720, "1h02m")]
    public void Formats_short(double seconds, string expected) => Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
}
