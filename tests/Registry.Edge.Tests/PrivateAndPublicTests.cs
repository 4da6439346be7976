using Registry.Testing.Cli;
using Registry.Core.Tuf;
using Registry.Serve;

namespace Registry.Edge.Tests;

/// <summary>
/// A project on a private registry (behind the verifying nginx, read with a token) whose package
/// depends on a public registry's package through a signed pin: the CLI installs both, locks each
/// with its registry, and installs offline from the cache once both servers are gone.
/// </summary>
public sealed class PrivateAndPublicTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_project_mixing_a_private_and_a_public_registry_installs_locks_and_installs_offline()
    {
        using var publicRegistry = new TestRegistry();
        await publicRegistry.InitAsync();
        var published = await publicRegistry.PublishAsync([publicRegistry.Package("left-pad", "1.0.0")]);
        Assert.True(published.ExitCode == 0, published.ToString());
        var publicOrigin = await RegistryServer.StartAsync(publicRegistry.Store, 0, cancellationToken: Ct);
        var publicStopped = false;
        try
        {
            await InstallAcrossAsync(publicRegistry, publicOrigin, () => publicStopped = true);
        }
        finally
        {
            if (!publicStopped)
            {
                await publicOrigin.DisposeAsync();
            }
        }
    }

    private static async Task InstallAcrossAsync(
        TestRegistry publicRegistry,
        RegistryServer publicOrigin,
        Action stopped)
    {
        var publicRoot = Hashing.Sha256Hex(
            await File.ReadAllBytesAsync(Path.Combine(publicRegistry.Store, "metadata", "1.root.json"), Ct));
        const string AppDependencies
            = """{"acme-core": "[1.0.0, )", "left-pad": {"range": "[1.0.0, )", "registry": "public"}}""";
        await using var edge = await PrivateEdge.StartAsync(async e =>
        {
            var settings = await RegistryCli.RunAsync(
                "settings",
                "--store",
                e.Registry.Store,
                "--known-registry",
                $"public={publicOrigin.BaseUri}#{publicRoot}");
            Assert.True(settings.ExitCode == 0, settings.ToString());
            var publish = await e.Registry.PublishAsync(
                [e.Registry.Package("acme-core", "1.0.0"), e.Registry.Package("acme-app", "1.0.0", AppDependencies)]);
            Assert.True(publish.ExitCode == 0, publish.ToString());
        });
        var (_, token) = await edge.IssueAsync("ci", "90d");
        var home = Path.Combine(edge.Registry.Root, "home");
        var project = Directory.CreateDirectory(Path.Combine(edge.Registry.Root, "project")).FullName;
        await File.WriteAllTextAsync(
            Path.Combine(project, "registry.json"),
            """{"dependencies": {"acme-app": "[1.0.0, )"}}""",
            Ct);
        var env = new Dictionary<string, string> { ["REGISTRY_HOME"] = home };
        var outputs = new List<CliResult>
        {
            await RegistryCli.RunProcessAsync(
                ["source", "add", "private", edge.EdgeBase.ToString(), "--root", edge.RootFile],
                env),
            await RegistryCli.RunProcessAsync(["source", "login", "private"], env, token + "\n"),
            await RegistryCli.RunProcessAsync(["install", "--project", project], env),
        };
        Assert.All(outputs, o => Assert.True(o.ExitCode == 0, o.ToString()));
        var lockText = await File.ReadAllTextAsync(Path.Combine(project, "registry.lock"), Ct);
        Assert.Contains(publicOrigin.BaseUri.ToString(), lockText, StringComparison.Ordinal);
        Assert.Contains(publicRoot, lockText, StringComparison.Ordinal);
        Assert.Contains(edge.EdgeBase.ToString(), lockText, StringComparison.Ordinal);
        foreach (var name in new[] { "acme-app", "acme-core", "left-pad" })
        {
            Assert.True(File.Exists(Path.Combine(project, "packages", name, "registry.json")), name);
        }

        // Both registries gone: the lock and the cache are enough, with --offline.
        await edge.StopFirstEdgeAsync();
        stopped();
        await publicOrigin.DisposeAsync();
        Directory.Delete(Path.Combine(project, "packages"), recursive: true);
        outputs.Add(await RegistryCli.RunProcessAsync(["install", "--project", project, "--offline"], env));
        Assert.True(outputs[^1].ExitCode == 0, outputs[^1].ToString());
        Assert.True(File.Exists(Path.Combine(project, "packages", "left-pad", "registry.json")));
        Assert.True(File.Exists(Path.Combine(project, "packages", "acme-core", "registry.json")));

        // The token is in credentials.json only: not in any output, the lock or the cache.
        var secret = token.Split('~')[^1];
        Assert.All(outputs, o => Assert.DoesNotContain(secret, o.Out + o.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(
            secret,
            await File.ReadAllTextAsync(Path.Combine(project, "registry.lock"), Ct),
            StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(home, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "credentials.json"))
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file, Ct), StringComparison.Ordinal);
        }
    }
}
