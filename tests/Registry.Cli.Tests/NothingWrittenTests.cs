using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// A refused or no-op command leaves the store byte-identical, hidden files included: every
/// precondition is checked before the first write, and the precondition probe is proven once
/// and recorded under a fixed key instead of leaving a new file per command.
/// </summary>
public sealed class NothingWrittenTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Publish_with_a_keys_folder_that_does_not_exist_writes_nothing()
    {
        await _registry.InitAsync();
        var before = StoreDigest.Of(_registry.Store);
        var result = await RegistryCli.RunAsync(
            "publish",
            "--store",
            _registry.Store,
            "--keys",
            Path.Combine(_registry.Root, "nokeys"),
            _registry.Package("alpha", "1.0.0"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keys folder", result.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task Publish_with_keys_that_do_not_match_the_root_writes_nothing()
    {
        await _registry.InitAsync();
        var other = new TestRegistry();
        try
        {
            await other.InitAsync();
            var before = StoreDigest.Of(_registry.Store);
            var result = await RegistryCli.RunAsync(
                "publish",
                "--store",
                _registry.Store,
                "--keys",
                other.Keys,
                _registry.Package("alpha", "1.0.0"));
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("holds 0 of the", result.Error, StringComparison.Ordinal);
            Assert.Equal(before, StoreDigest.Of(_registry.Store));
        }
        finally
        {
            other.Dispose();
        }
    }

    [Fact]
    public async Task Publish_into_a_folder_that_is_not_a_registry_does_not_create_it()
    {
        await _registry.InitAsync();
        var missing = Path.Combine(_registry.Root, "not-a-registry");
        var result = await RegistryCli.RunAsync(
            "publish",
            "--store",
            missing,
            "--keys",
            _registry.Keys,
            _registry.Package("alpha", "1.0.0"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no registry here", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Publish_reports_every_bad_file_of_a_batch_and_writes_nothing()
    {
        await _registry.InitAsync();
        var good = _registry.Package("alpha", "1.0.0");
        var bad1 = Path.Combine(_registry.Root, "bad-one.tgz");
        var bad2 = Path.Combine(_registry.Root, "bad-two.tgz");
        File.WriteAllText(bad1, "not a tarball");
        File.WriteAllBytes(bad2, Tgz.Package("Bad Name!", "1.0.0", "{}", null));
        var before = StoreDigest.Of(_registry.Store);
        var result = await _registry.PublishAsync(bad1, good, bad2);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad-one.tgz", result.Error, StringComparison.Ordinal);
        Assert.Contains("bad-two.tgz", result.Error, StringComparison.Ordinal);
        Assert.Contains("2 of 3 package files are invalid", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task A_no_op_republish_and_gc_dry_run_leave_the_store_byte_identical()
    {
        await _registry.InitAsync();
        var alpha = _registry.Package("alpha", "1.0.0");
        Assert.Equal(0, (await _registry.PublishAsync(alpha)).ExitCode);
        var before = StoreDigest.Of(_registry.Store);

        var again = await _registry.PublishAsync(alpha);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));

        var gc = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--dry-run");
        Assert.Equal(0, gc.ExitCode);
        Assert.Equal(before, StoreDigest.Of(_registry.Store));
    }

    [Fact]
    public async Task Write_commands_leave_no_new_probe_files()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var probeFiles = ProbeFiles();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.1"))).ExitCode);
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0"])).ExitCode);
        Assert.Equal(probeFiles, ProbeFiles());
        Assert.True(probeFiles.Count <= 2, string.Join(", ", probeFiles));
    }

    private List<string> ProbeFiles()
    {
        var folder = Path.Combine(_registry.Store, ".registry-probe");
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Cast<string>()] : [];
    }
}
