namespace DataForge.Core.Stages.Contract;

/// <summary>
/// Declares a settable member of an options record as a stage option, with the one-line description that
/// <c>dataforge stages NAME</c>, the stage command's <c>--help</c> and docs/stages.md show. Only members that carry it
/// and have a setter are options: a derived getter is never part of the option surface.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class OptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;

    /// <summary>
    /// Further command-line names of the option (<c>--dev</c> for <c>dev_fraction</c>): stage commands had these
    /// flags before they were generated from the declarations, and scripts use them.
    /// </summary>
    public string[] Aliases { get; set; } = [];
}
