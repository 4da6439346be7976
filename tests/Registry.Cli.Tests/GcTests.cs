using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Serve;
using Registry.Testing;

namespace Registry.Cli.Tests;

[Trait(TestClock.Trait, TestClock.FileTimes)]
public sealed class GcTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every file of the store, hidden ones (temporaries, locks, probes) included, with its sha256.</summary>
    private Dictionary<string, string> AllFiles() =>
        Directory.EnumerateFiles(_registry.Store, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(_registry.Store, f),
                f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);

    private void Age(TimeSpan age)
    {
        foreach (var file in Directory.EnumerateFiles(_registry.Store, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - age);
        }
    }

    private async Task PublishAndYankManyAsync(int versions)
    {
        for (var i = 0; i < versions; i++)
        {
            var publish = await _registry.PublishAsync(_registry.Package(i % 2 == 0 ? "alpha" : "beta", $"1.{i}.0"));
            Assert.True(publish.ExitCode == 0, publish.ToString());
        }

        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0"])).ExitCode);
        Assert.Equal(
            0,
            (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--undo"])).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "beta", "1.1.0"])).ExitCode);
    }

    [Fact]
    public async Task Gc_after_many_publishes_and_yanks_leaves_a_registry_that_verifies_mirrors_and_installs()
    {
        await _registry.InitAsync();
        await PublishAndYankManyAsync(12);
        var roots = Directory.GetFiles(Path.Combine(_registry.Store, "metadata"), "*.root.json")
            .Select(Path.GetFileName)
            .Order()
            .ToList();
        var bytesBefore = AllFiles().Keys.Sum(k => new FileInfo(Path.Combine(_registry.Store, k)).Length);

        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "0d", "--json");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        using var result = JsonDocument.Parse(gc.Out);
        var deletedFiles = result.RootElement.GetProperty("deleted_files").GetInt32();
        var deletedBytes = result.RootElement.GetProperty("deleted_bytes").GetInt64();
        Assert.True(deletedFiles > 12, gc.Out);
        Assert.All(result.RootElement.GetProperty("files").EnumerateArray(), f =>
        {
            var key = f.GetProperty("key").GetString()!;
            Assert.False(key.EndsWith(".root.json", StringComparison.Ordinal) || key == "metadata/timestamp.json"
                || key == "registry-config.json", key);
        });
        Assert.Equal(roots, Directory.GetFiles(Path.Combine(_registry.Store, "metadata"), "*.root.json")
            .Select(Path.GetFileName)
            .Order()
            .ToList());
        Assert.True(File.Exists(Path.Combine(_registry.Store, "registry-config.json")));
        TestContext.Current.SendDiagnosticMessage(
            $"gc after 12 publishes and 3 yanks: {deletedFiles} files, "
            + $"{deletedBytes} of {bytesBefore} bytes reclaimed");

        var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("2 packages, 12 versions", verify.Out, StringComparison.Ordinal);

        var again = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "0d");
        Assert.Equal(0, again.ExitCode);
        Assert.StartsWith("deleted 0 files, 0 bytes", again.Out, StringComparison.Ordinal);

        await using var server = await RegistryServer.StartAsync(_registry.Store, 0, cancellationToken: Ct);
        var mirror = Path.Combine(_registry.Root, "mirror");
        var sync = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            mirror,
            "--root",
            Path.Combine(_registry.Store, "metadata", "1.root.json"));
        Assert.True(sync.ExitCode == 0, sync.ToString());
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", mirror)).ExitCode);

        var home = new Dictionary<string, string> { ["REGISTRY_HOME"] = Path.Combine(_registry.Root, "home") };
        var project = Path.Combine(_registry.Root, "project");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(
            Path.Combine(project, "registry.json"),
            "{\"dependencies\":{\"alpha\":\"[1.0.0, )\",\"beta\":\"[1.0.0, )\"}}",
            Ct);
        var add = await RegistryCli.RunProcessAsync(["source", "add", "main", server.BaseUri.ToString(), "--root", Path
            .Combine(_registry.Store, "metadata", "1.root.json")], home);
        Assert.True(add.ExitCode == 0, add.ToString());
        var install = await RegistryCli.RunProcessAsync(["install", "--project", project], home);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(Directory.Exists(Path.Combine(project, "packages", "alpha")), install.ToString());
        Assert.True(Directory.Exists(Path.Combine(project, "packages", "beta")), install.ToString());
    }

    [Fact]
    public async Task Gc_deletes_a_killed_publishs_temp_file_and_orphaned_probe_locks_only_past_the_grace_period()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var metadata = Path.Combine(_registry.Store, "metadata");

        // The names FolderStore gives its temporaries (.NAME.GUID.tmp) and a probe's lock file.
        var oldTemp = Path.Combine(metadata, $".9.bin-03.json.{Guid.NewGuid():N}.tmp");
        var youngTemp = Path.Combine(metadata, $".9.snapshot.json.{Guid.NewGuid():N}.tmp");
        var oldProbeLock = Path.Combine(_registry.Store, ".registry-probe", $".{Guid.NewGuid():N}.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(oldProbeLock)!);
        foreach (var file in new[] { oldTemp, youngTemp, oldProbeLock })
        {
            await File.WriteAllTextAsync(file, "partial", Ct);
        }

        var timestampLock = Path.Combine(metadata, ".timestamp.json.lock");
        Assert.True(File.Exists(timestampLock), "publish locks timestamp.json through .timestamp.json.lock");
        foreach (var file in new[] { oldTemp, oldProbeLock, timestampLock })
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-8));
        }

        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "7d");
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.False(File.Exists(oldTemp), gc.ToString());
        Assert.False(File.Exists(oldProbeLock), gc.ToString());
        Assert.True(File.Exists(youngTemp), gc.ToString());
        Assert.True(File.Exists(timestampLock), "the lock of timestamp.json is never deleted");
        Assert.Contains($"deleted metadata/{Path.GetFileName(oldTemp)} (7 bytes)", gc.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).ExitCode);
    }

    [Fact]
    public async Task Gc_dry_run_leaves_every_file_byte_identical_hidden_files_included()
    {
        await _registry.InitAsync();
        await PublishAndYankManyAsync(4);
        await File.WriteAllTextAsync(
            Path.Combine(_registry.Store, "metadata", $".7.bin-01.json.{Guid.NewGuid():N}.tmp"),
            "partial",
            Ct);
        Age(TimeSpan.FromDays(30));
        var before = AllFiles();

        var dry = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("would delete metadata/1.snapshot.json", dry.Out, StringComparison.Ordinal);
        Assert.Contains(".tmp", dry.Out, StringComparison.Ordinal);
        Assert.Equal(before, AllFiles());

        var real = await RegistryCli.RunAsync("gc", "--store", _registry.Store);
        Assert.Equal(dry.Out.Replace("would delete", "deleted", StringComparison.Ordinal), real.Out);
    }

    [Fact]
    public async Task Gc_refuses_and_deletes_nothing_when_the_current_state_does_not_verify()
    {
        await _registry.InitAsync();
        await PublishAndYankManyAsync(2);
        var artifact = Directory.GetFiles(
            Path.Combine(_registry.Store, "targets", "packages"),
            "*.tgz",
            SearchOption.AllDirectories)[0];
        await File.AppendAllTextAsync(artifact, "tampered", Ct);
        var before = AllFiles();

        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "0d");
        Assert.Equal(1, gc.ExitCode);
        Assert.Contains(
            "gc refused, nothing deleted: the current state does not verify",
            gc.Error,
            StringComparison.Ordinal);
        Assert.Equal(before, AllFiles());
    }

    [Fact]
    public async Task Gc_beside_concurrent_publishers_never_breaks_verify()
    {
        // A history two hours old for gc to collect while three publishers write new states;
        // what they write is younger than the grace period, as a running publish always is.
        await _registry.InitAsync();
        await PublishAndYankManyAsync(6);
        Age(TimeSpan.FromHours(2));
        var publishers = Enumerable.Range(0, 3).Select(p => Task.Run(async () =>
        {
            var published = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var version = $"1.{i}.0";
                var result = await RegistryCli.RunProcessAsync(
                    ["publish", .. _registry.StoreArgs, _registry.Package($"pkg-{p}", version)]);
                if (result.ExitCode == 0)
                {
                    published.Add($"pkg-{p} {version}");
                }
            }

            return published;
        }, Ct)).ToList();

        var rounds = 0;
        var deleted = 0;
        while (!publishers.All(p => p.IsCompleted) || rounds == 0)
        {
            var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace", "30m", "--json");
            Assert.True(gc.ExitCode == 0, gc.ToString());
            using (var result = JsonDocument.Parse(gc.Out))
            {
                deleted += result.RootElement.GetProperty("deleted_files").GetInt32();
            }

            var verify = await RegistryCli.RunAsync("verify", "--store", _registry.Store);
            Assert.True(verify.ExitCode == 0, verify.ToString());
            rounds++;
        }

        var published = (await Task.WhenAll(publishers)).SelectMany(p => p).ToList();
        Assert.NotEmpty(published);
        var final = await RegistryCli.RunAsync("verify", "--store", _registry.Store, "--json");
        Assert.True(final.ExitCode == 0, final.ToString());
        using var report = JsonDocument.Parse(final.Out);
        Assert.Equal(published.Count + 6, report.RootElement.GetProperty("versions").GetInt32());
        Assert.True(deleted > 0, "gc collected the aged history while the publishers ran");
        TestContext.Current.SendDiagnosticMessage(string.Create(
            CultureInfo.InvariantCulture,
            $"{rounds} gc rounds ({deleted} files deleted) beside {published.Count} publishes"));
    }
}
