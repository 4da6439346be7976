using NetArchTest.Rules;
using Registry.Core.NuGet;
using Registry.Core.Publishing;

namespace Registry.Core.Tests.Architecture;

/// <summary>
/// The layers of the core (README, "The layers of the core"), three projects so that a back-edge
/// does not compile: the protocol (Registry.Core: names, versions, index documents and their
/// rules, package formats, TUF metadata, signing and verification, the store contract, the cache
/// policy, the registry settings, the derived-view contract), the writer side (Registry.Writer:
/// Publishing, Keys) and the NuGet view (Registry.NuGet). These tests pin the project graph and,
/// inside the protocol, the namespace order the compiler cannot see.
/// </summary>
public sealed class LayerTests
{
    private static readonly System.Reflection.Assembly Protocol = typeof(RegistryLayout).Assembly;

    [Fact]
    public void The_protocol_holds_only_protocol_namespaces()
    {
        var strays = Protocol.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => !System.Text.RegularExpressions.Regex.IsMatch(
                n,
                @"^Registry\.Core(\.(Index|Packages|Tuf|Storage|Views)(\..*)?)?$") && !n.StartsWith("System", StringComparison.Ordinal) && n.Length > 0)
            .Distinct()
            .ToList();
        Assert.True(
            strays.Count == 0,
            "namespaces in the protocol project that are not protocol: " + string.Join(", ", strays));
    }

    [Fact]
    public void The_writer_and_the_views_reference_the_protocol_and_never_each_other()
    {
        static string[] References(System.Reflection.Assembly assembly)
            => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.DoesNotContain("Registry.Writer", References(Protocol));
        Assert.DoesNotContain("Registry.NuGet", References(Protocol));
        Assert.Contains("Registry.Core", References(typeof(RegistryWriter).Assembly));
        Assert.DoesNotContain("Registry.NuGet", References(typeof(RegistryWriter).Assembly));
        Assert.Contains("Registry.Core", References(typeof(NuGetView).Assembly));
        Assert.DoesNotContain("Registry.Writer", References(typeof(NuGetView).Assembly));
    }

    [Fact]
    public void The_log_library_references_nothing_of_the_registry_and_the_protocol_not_it()
    {
        // Registry.Log (RFC 6962 trees, tlog-tiles, signed notes) stands alone beside the protocol: the
        // writer and the client use both; the protocol keeps its one dependency (NuGet.Versioning).
        var log = typeof(Registry.Log.Merkle).Assembly;
        Assert.DoesNotContain(
            log.GetReferencedAssemblies().Select(a => a.Name!),
            n => n.StartsWith("Registry.", StringComparison.Ordinal));
        Assert.DoesNotContain("Registry.Log", Protocol.GetReferencedAssemblies().Select(a => a.Name!));
    }

    [Fact]
    public void The_store_contract_depends_on_no_other_protocol_namespace()
    {
        // The lowest layer: a store knows keys and bytes, not TUF, index documents or views.
        var result = Types.InAssembly(Protocol)
            .That().ResideInNamespaceMatching(@"^Registry\.Core\.Storage(\..*)?$")
            .ShouldNot().HaveDependencyOnAny(
                "Registry.Core.Tuf",
                "Registry.Core.Index",
                "Registry.Core.Views",
                "Registry.Core.Packages")
            .GetResult();

        Assert.True(
            result.IsSuccessful,
            "store types that reach up: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_rule_catches_a_back_edge()
    {
        // The rule itself can fail: index documents do depend on package names.
        var result = Types.InAssembly(Protocol)
            .That().ResideInNamespace("Registry.Core.Index")
            .ShouldNot().HaveDependencyOnAny("Registry.Core.Packages")
            .GetResult();

        Assert.False(result.IsSuccessful);
    }
}
