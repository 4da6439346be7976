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
                @"^Registry\.Core(\.(Index|Packages|Tuf|Storage|Settings|Views)(\..*)?)?$")
                && !n.StartsWith("System", StringComparison.Ordinal) && n.Length > 0)
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

    /// <summary>
    /// The protocol's namespaces from the bottom up: a namespace may use the ones in the layers
    /// below it, never one beside it or above it. The root namespace (exceptions, rule names,
    /// the key layout) is the floor; the store contract and the package formats know nothing of
    /// TUF; index documents are built on TUF; the settings read the store and name index pins;
    /// the derived-view contract sits on everything.
    /// </summary>
    public static TheoryData<string, string[], string[]> ProtocolLayers() => Layered(
        "Registry.Core",
        ["Registry.Core"],
        ["Registry.Core.Packages", "Registry.Core.Storage"],
        ["Registry.Core.Tuf"],
        ["Registry.Core.Index"],
        ["Registry.Core.Settings"],
        ["Registry.Core.Views"]);

    /// <summary>The writer's: tokens and keys below publishing, which uses both.</summary>
    public static TheoryData<string, string[], string[]> WriterLayers() => Layered(
        "Registry.Writer",
        ["Registry.Core.Tokens", "Registry.Core.Keys"],
        ["Registry.Core.Publishing"]);

    /// <summary>The client's: resolution (ranges, the resolver, the lock file) below the client that feeds
    /// it.</summary>
    public static TheoryData<string, string[], string[]> ClientLayers() => Layered(
        "Registry.Client",
        ["Registry.Client.Resolution"],
        ["Registry.Client"]);

    [Theory]
    [MemberData(nameof(ProtocolLayers))]
    [MemberData(nameof(WriterLayers))]
    [MemberData(nameof(ClientLayers))]
    public void A_namespace_uses_only_the_layers_below_it(string assembly, string[] layer, string[] forbidden)
    {
        var types = Types.InAssembly(AssemblyNamed(assembly));
        var result = types.That().ResideInNamespaceMatching(NamespacePattern(layer))
            .ShouldNot().HaveDependencyOnAny(Expanded(assembly, layer, forbidden))
            .GetResult();

        Assert.True(
            result.IsSuccessful,
            $"{string.Join(", ", layer)} reach(es) sideways or up ({string.Join(", ", forbidden)}): "
            + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [InlineData("Registry.Core")]
    [InlineData("Registry.Writer")]
    [InlineData("Registry.Client")]
    public void Every_namespace_has_a_layer(string assembly)
    {
        var layered = (assembly switch
            {
                "Registry.Core" => ProtocolLayers(),
                "Registry.Writer" => WriterLayers(),
                _ => ClientLayers(),
            })
            .SelectMany(row => row.Data.Item2)
            .ToHashSet(StringComparer.Ordinal);
        var unplaced = AssemblyNamed(assembly).GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith("Registry.", StringComparison.Ordinal))
            .Select(n => n.EndsWith(".Internal", StringComparison.Ordinal) ? n[..^".Internal".Length] : n)
            .Where(n => !layered.Contains(n))
            .Distinct()
            .ToList();

        Assert.True(unplaced.Count == 0, $"namespaces of {assembly} in no layer: " + string.Join(", ", unplaced));
    }

    private static System.Reflection.Assembly AssemblyNamed(string name) => name switch
    {
        "Registry.Core" => Protocol,
        "Registry.Writer" => typeof(RegistryWriter).Assembly,
        _ => typeof(Registry.Client.RegistryClient).Assembly,
    };

    /// <summary>
    /// A forbidden namespace that is a prefix of the checked one (the client's root above its
    /// Resolution) would match the checked types themselves: it is named by its types instead.
    /// </summary>
    private static string[] Expanded(string assembly, string[] layer, string[] forbidden) =>
    [
        .. forbidden.SelectMany(f => layer.Any(n => n.StartsWith(f + ".", StringComparison.Ordinal))
            ? AssemblyNamed(assembly).GetTypes()
                .Where(t => t.Namespace == f || t.Namespace == f + ".Internal")
                .Select(t => t.FullName!.Split('+')[0])
                .Distinct()
            : [f]),
    ];

    /// <summary>The namespaces themselves and their Internal folders.</summary>
    private static string NamespacePattern(string[] layer) =>
        "^(" + string.Join("|", layer.Select(System.Text.RegularExpressions.Regex.Escape)) + @")(\.Internal)?$";

    /// <summary>One row per layer: its namespaces and every namespace beside or above it.</summary>
    private static TheoryData<string, string[], string[]> Layered(string assembly, params string[][] layers)
    {
        var data = new TheoryData<string, string[], string[]>();
        for (var i = 0; i < layers.Length; i++)
        {
            foreach (var ns in layers[i])
            {
                // The root namespace is a prefix of every other: the rule names its children instead.
                string[] forbidden = [.. layers.Skip(i).SelectMany(l => l).Where(n => n != ns)];
                data.Add(assembly, [ns], forbidden);
            }
        }

        return data;
    }

    [Fact]
    public void The_rule_catches_a_back_edge()
    {
        // The rule itself can fail: with the index put below the package formats it depends on,
        // the index's row (the first) fails and names an index type.
        var wrong = Layered("Registry.Core", ["Registry.Core.Index"], ["Registry.Core.Packages"]).First().Data;
        var result = Types.InAssembly(Protocol)
            .That().ResideInNamespaceMatching(NamespacePattern(wrong.Item2))
            .ShouldNot().HaveDependencyOnAny(wrong.Item3)
            .GetResult();

        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypeNames, n => n.StartsWith("Registry.Core.Index.", StringComparison.Ordinal));
    }
}
