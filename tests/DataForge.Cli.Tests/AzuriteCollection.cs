using DataForge.Testing;

namespace DataForge.Cli.Tests;

/// <summary>One Azurite for all tests of this assembly that need Azure Blob Storage (xunit finds definitions per assembly).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
