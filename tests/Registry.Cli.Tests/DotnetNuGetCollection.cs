using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>The test classes that use real <c>dotnet</c> and the packages packed once for them.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetNuGetCollection : ICollectionFixture<PackedNuGetPackages>
{
    public const string Name = "dotnet-nuget";
}
