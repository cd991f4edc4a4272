using System.Text.RegularExpressions;
using DataForge.Core.Stages.Contract;
using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>
/// Every catalogued reject code is named by some test: as the code in quotes ("image.size_mismatch", the way tests
/// read it back from a rejects file, or "input:code" pairs) or as its catalogue constant (CoreRejectReasons.ImageTooManyPixels). A code that
/// no test names is one no test makes happen; this fails naming it (issue 18, item 11).
/// </summary>
public sealed partial class RejectCodeCoverageTests
{
    [Fact]
    public void Every_catalogued_reject_code_is_named_by_a_test()
    {
        var tests = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal) && !file.EndsWith(nameof(RejectCodeCoverageTests) + ".cs", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var quoted = tests.SelectMany(text => QuotedCode().Matches(text).Select(match => match.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var constants = tests.SelectMany(text => CatalogueConstant().Matches(text).Select(match => match.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var catalogue = DataForgeApp.Registry().Reasons.Keys; // loads every stage assembly, so reflection finds their catalogues
        var names = CataloguedConstants();

        var untested = catalogue
            .Where(code => !quoted.Contains(code) && !(names.TryGetValue(code, out var constant) && constants.Contains(constant)))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(untested.Count == 0, $"{untested.Count} reject codes are named by no test: {string.Join(", ", untested)}");
    }

    /// <summary>Code → "Catalogue.Member", read from the catalogue types by reflection.</summary>
    private static Dictionary<string, string> CataloguedConstants()
    {
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in AppDomain.CurrentDomain.GetAssemblies().Where(assembly => assembly.GetName().Name?.StartsWith("DataForge.", StringComparison.Ordinal) == true).SelectMany(assembly => assembly.GetTypes()).Where(type => type.Name.EndsWith("RejectReasons", StringComparison.Ordinal)))
        {
            foreach (var field in type.GetFields().Where(field => field.FieldType == typeof(RejectReason)))
            {
                constants[((RejectReason)field.GetValue(null)!).Code] = $"{type.Name}.{field.Name}";
            }
        }

        return constants;
    }

    [GeneratedRegex(@"["":]([a-z]+\.[a-z0-9_]+)""")]
    private static partial Regex QuotedCode();

    [GeneratedRegex(@"\b(\w+RejectReasons\.\w+)\b")]
    private static partial Regex CatalogueConstant();
}
