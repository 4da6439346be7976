using NetArchTest.Rules;
using Registry.Core;

namespace Registry.Core.Tests.Architecture;

/// <summary>
/// The layers of Registry.Core (README, "Layout"): the protocol (names, versions, index documents
/// and their rules, package formats, TUF metadata, signing and verification, the store contract,
/// the cache policy, the registry settings, the derived-view contract) depends on nothing above it; the writer side
/// (Publishing, Keys) and the NuGet view sit on top. A back-edge from the protocol to a feature
/// fails here, naming the types.
/// </summary>
public sealed class LayerTests
{
    private static readonly string[] Protocol =
        ["Registry.Core.Index", "Registry.Core.Packages", "Registry.Core.Tuf", "Registry.Core.Storage"];

    private static readonly string[] Features =
        ["Registry.Core.Publishing", "Registry.Core.Keys", "Registry.Core.NuGet"];

    [Fact]
    public void The_protocol_namespaces_depend_on_no_feature()
    {
        var result = Types.InAssembly(typeof(RegistryLayout).Assembly)
            .That().ResideInNamespaceMatching(@"^Registry\.Core(\.(Index|Packages|Tuf|Storage|Views)(\..*)?)?$")
            .ShouldNot().HaveDependencyOnAny(Features)
            .GetResult();

        Assert.True(result.IsSuccessful, "protocol types that reach up into a feature: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_rule_catches_a_back_edge()
    {
        // The rule itself can fail: the writer does depend on the protocol and on Keys.
        var result = Types.InAssembly(typeof(RegistryLayout).Assembly)
            .That().ResideInNamespace("Registry.Core.Publishing")
            .ShouldNot().HaveDependencyOnAny(Protocol)
            .GetResult();

        Assert.False(result.IsSuccessful);
    }

    [Fact]
    public void The_writer_names_no_view()
    {
        // The writer commits, then calls the views it was given (IRegistryView); it never names one.
        var result = Types.InAssembly(typeof(RegistryLayout).Assembly)
            .That().ResideInNamespaceMatching(@"^Registry\.Core\.(Publishing|Keys)(\..*)?$")
            .ShouldNot().HaveDependencyOnAny("Registry.Core.NuGet")
            .GetResult();

        Assert.True(result.IsSuccessful, "writer types that name a view: " + string.Join(", ", result.FailingTypeNames ?? []));
    }
}
