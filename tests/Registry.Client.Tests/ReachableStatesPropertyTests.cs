using FsCheck;
using FsCheck.Fluent;
using NuGet.Versioning;
using Registry.Testing.Cli;
using Registry.Core.Packages;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Property: every state reachable by a random sequence of publishes, yanks, unyanks and
/// refreshes verifies, and a client that follows the registry from its start reads exactly
/// the model (versions, yanked state, artifact bytes) after each sequence.
/// </summary>
public sealed class ReachableStatesPropertyTests
{
    private static readonly string[] Names = ["alpha", "beta", "str_util", "delta"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Op(string Kind, int Package, int Pick)
    {
        public override string ToString() => $"{Kind}({Names[Package]}, {Pick})";
    }

    private static Gen<Op[]> Sequences() =>
        from length in Gen.Choose(1, 10)
        from ops in Gen.ArrayOf(
            from kind in Gen.Elements("publish", "publish", "publish", "yank", "unyank", "refresh")
            from package in Gen.Choose(0, Names.Length - 1)
            from pick in Gen.Choose(0, 5)
            select new Op(kind, package, pick), length)
        select ops;

    [Fact]
    public async Task Every_reachable_state_verifies_and_the_client_reads_the_model()
    {
        foreach (var sequence in Sequences().Sample(12, 12))
        {
            await RunAsync(sequence);
        }
    }

    private static async Task RunAsync(Op[] sequence)
    {
        using var registry = new TestRegistry();
        using var store = new FolderStore(registry.Store);
        using var keys = KeyRing.Load(registry.Keys);
        var clock = TestClock.Fixed(); // one clock for the writer, every client and the auditor
        await new RegistryInitializer(store, keys, clock).InitAsync(new InitOptions { Bins = 4 }, Ct);
        var writer = new RegistryWriter(store, keys, clock);
        var model = new Dictionary<string, SortedDictionary<NuGetVersion, (bool Yanked, byte[] Bytes)>>(
            StringComparer.Ordinal);
        await using var server = await RegistryServer.StartAsync(registry.Store, 0, cancellationToken: Ct);
        var home = new RegistryHome(Path.Combine(registry.Root, "home"));
        home.AddSource(
            new SourceConfig { Name = "main", Url = server.BaseUri },
            await File.ReadAllBytesAsync(Path.Combine(registry.Store, "metadata", "1.root.json"), Ct));
        var what = string.Join(", ", sequence.Select(o => o.ToString()));

        foreach (var op in sequence)
        {
            var name = Names[op.Package];
            var versions = model.GetValueOrDefault(name);
            switch (op.Kind)
            {
                case "publish":
                    var version = new NuGetVersion(1, versions?.Count ?? 0, 0, op.Pick == 5 ? "rc.1" : null);
                    var dependency = model.Keys.FirstOrDefault(n => n != name && model[n].Values.Any(v => !v.Yanked));
                    var bytes = Tgz.Package(
                        name,
                        version.ToNormalizedString(),
                        dependency is null ? "{}" : $"{{\"{dependency}\":\"[1.0.0-0, )\"}}");
                    var manifest = new TgzPackageFormat().Read(bytes, $"{name}.tgz", PackageLimits.Default);
                    await writer.PublishAsync(
                        [new PackageFile(manifest, $"{name}.tgz", ".tgz", bytes)],
                        new PublishOptions(),
                        Ct);
                    (model.TryGetValue(name, out var list) ? list : model[name] = new())[version] = (false, bytes);
                    break;
                case "yank" or "unyank" when versions is { Count: > 0 }:
                    var target = versions.Keys.ElementAt(op.Pick % versions.Count);
                    await writer.YankAsync(
                        name,
                        target.ToNormalizedString(),
                        op.Kind == "yank" ? "property test" : null,
                        undo: op.Kind == "unyank",
                        Ct);
                    versions[target] = (op.Kind == "yank", versions[target].Bytes);
                    break;
                case "refresh":
                    await writer.RefreshAsync(Ct);
                    break;
            }

            // The client follows every state, so rollback and continuity checks run too.
            using var client = new RegistryClient(home, home.Source("main"), clock);
            await client.UpdateAsync(offline: false, Ct);
            foreach (var (package, expected) in model)
            {
                var index = await client.GetIndexAsync(package, Ct);
                Assert.True(index is not null, $"{package} missing after: {what}");
                Assert.Equal(
                    expected.Select(v => (v.Key.ToNormalizedString(), v.Value.Yanked)),
                    index.Versions.Select(v => (NuGetVersion.Parse(v.Version).ToNormalizedString(), v.Yanked)));
                foreach (var entry in index.Versions)
                {
                    Assert.Equal(
                        expected[NuGetVersion.Parse(entry.Version)].Bytes,
                        await client.GetArtifactAsync(entry, Ct));
                }
            }
        }

        var audit = await new RegistryAuditor(store, clock).AuditAsync(Ct);
        Assert.True(audit.Ok, $"after {what}: {string.Join("; ", audit.Errors)}");
        Assert.Equal(model.Values.Sum(v => v.Count), audit.Versions);
    }
}
