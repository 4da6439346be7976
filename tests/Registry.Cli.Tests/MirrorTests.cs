using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

public sealed partial class MirrorTests : IDisposable
{
    private readonly TestRegistry _source = new();

    public void Dispose() => _source.Dispose();

    private string Mirror => Path.Combine(_source.Root, "mirror");

    private string Root => Path.Combine(_source.Store, "metadata", "1.root.json");

    private static int Requests(CliResult result) =>
        int.Parse(
            RequestsPattern().Match(result.Out).Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);

    private async Task<CliResult> SyncAsync(Uri source)
        => await RegistryCli.RunAsync("mirror", source.ToString(), "--to", Mirror, "--root", Root);

    private async Task PublishManyAsync(int count)
    {
        var files = Enumerable.Range(0, count).Select(i => _source.Package($"pkg-{i}", "1.0.0")).ToArray();
        Assert.Equal(0, (await _source.PublishAsync(files)).ExitCode);
    }

    [Fact]
    public async Task A_sync_copies_a_registry_that_verifies_and_an_unchanged_source_costs_one_request()
    {
        await _source.InitAsync();
        await PublishManyAsync(20);
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var first = await SyncAsync(server.BaseUri);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("mirrored timestamp 2:", first.Out, StringComparison.Ordinal);
        var files = int.Parse(
            Regex.Match(first.Out, @": (\d+) files").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(files >= 20 * 3, $"20 packages are at least 60 target files, the summary says {files}");
        var verify = await RegistryCli.RunAsync("verify", "--store", Mirror);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("20 packages, 20 versions", verify.Out, StringComparison.Ordinal);

        var again = await SyncAsync(server.BaseUri);
        Assert.Equal(0, again.ExitCode);
        Assert.StartsWith("up to date: timestamp 2; 1 request(s)", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_after_k_publishes_costs_requests_in_proportion_to_k_not_to_the_registry()
    {
        await _source.InitAsync();
        await PublishManyAsync(60);
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var initial = await SyncAsync(server.BaseUri);
        Assert.Equal(0, initial.ExitCode);

        Assert.Equal(0, (await _source.PublishAsync(_source.Package("late-1", "1.0.0"))).ExitCode);
        var one = await SyncAsync(server.BaseUri);
        Assert.Equal(0, (await _source.PublishAsync(_source.Package("late-2", "1.0.0"))).ExitCode);
        Assert.Equal(0, (await _source.PublishAsync(_source.Package("late-3", "1.0.0"))).ExitCode);
        Assert.Equal(0, (await _source.PublishAsync(_source.Package("pkg-1", "1.1.0"))).ExitCode);
        var three = await SyncAsync(server.BaseUri);

        // One publish: timestamp, root probe, snapshot, <= 3 bins, <= 3 targets.
        Assert.InRange(Requests(one), 4, 9);
        Assert.InRange(Requests(three), 4, 3 + (3 * 6));
        Assert.True(Requests(initial) > 3 * Requests(one), $"initial {Requests(initial)}, one publish {Requests(one)}");
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", Mirror)).ExitCode);
    }

    [Fact]
    public async Task A_tampered_source_is_refused_and_the_mirror_keeps_its_last_good_state()
    {
        await _source.InitAsync();
        await PublishManyAsync(2);
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, (await SyncAsync(server.BaseUri)).ExitCode);
        var good = File.ReadAllBytes(Path.Combine(Mirror, "metadata", "timestamp.json"));

        Assert.Equal(0, (await _source.PublishAsync(_source.Package("evil", "1.0.0"))).ExitCode);
        var artifact = Directory.GetFiles(
            Path.Combine(_source.Store, "targets", "packages", "evil"),
            "*.tgz",
            SearchOption.AllDirectories).Single();
        File.WriteAllText(artifact, "not what was signed");

        var sync = await SyncAsync(server.BaseUri);
        Assert.Equal(1, sync.ExitCode);
        Assert.Contains("length or sha256 differs from the signed metadata", sync.Error, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(Path.Combine(Mirror, "metadata", "timestamp.json")));
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", Mirror)).ExitCode);
    }

    [Fact]
    public async Task A_rolled_back_source_is_refused()
    {
        await _source.InitAsync();
        await PublishManyAsync(1);
        var old = Path.Combine(_source.Root, "old-site");
        CopyFolder(_source.Store, old);
        Assert.Equal(0, (await _source.PublishAsync(_source.Package("newer", "1.0.0"))).ExitCode);
        await using (var current = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(0, (await SyncAsync(current.BaseUri)).ExitCode);
        }

        await using var stale = await RegistryServer.StartAsync(
            old,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var sync = await SyncAsync(stale.BaseUri);
        Assert.Equal(1, sync.ExitCode);
        Assert.Contains("is older than the trusted", sync.Error, StringComparison.Ordinal);
        Assert.Contains(
            "2 packages",
            (await RegistryCli.RunAsync("verify", "--store", Mirror)).Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_source_is_refused_and_nothing_is_written()
    {
        await _source.InitAsync();
        await _source.ExpireTimestampAsync();
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var sync = await SyncAsync(server.BaseUri);
        Assert.Equal(1, sync.ExitCode);
        Assert.Contains("expired", sync.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Mirror, "metadata", "timestamp.json")));
    }

    [Fact]
    public async Task An_unknown_view_is_refused_before_anything_is_read_or_written()
    {
        await _source.InitAsync();
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var sync = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            Mirror,
            "--root",
            Root,
            "--view",
            "nugget");

        Assert.True(sync.ExitCode == 2, sync.ToString());
        Assert.Contains("no view is named 'nugget'", sync.Error, StringComparison.Ordinal);
        Assert.Contains("[rule: view-name]", sync.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Mirror));
    }

    [Fact]
    public async Task An_interrupted_sync_leaves_a_valid_mirror_and_the_next_run_resumes()
    {
        await _source.InitAsync();
        await PublishManyAsync(4);
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, (await SyncAsync(server.BaseUri)).ExitCode);
        var more = Enumerable.Range(0, 12).Select(i => _source.Package($"more-{i}", "1.0.0")).ToArray();
        Assert.Equal(0, (await _source.PublishAsync(more)).ExitCode);

        var killed = await RegistryCli.RunCrashingAfterWritesAsync(
            10,
            ["mirror", server.BaseUri.ToString(), "--to", Mirror, "--root", Root, "--parallel", "1"]);
        Assert.NotEqual(0, killed.ExitCode);
        var midway = await RegistryCli.RunAsync("verify", "--store", Mirror);
        Assert.True(midway.ExitCode == 0, midway.ToString());
        Assert.Contains("4 packages", midway.Out, StringComparison.Ordinal);

        var resumed = await SyncAsync(server.BaseUri);
        Assert.Equal(0, resumed.ExitCode);
        var full = await RegistryCli.RunAsync("verify", "--store", Mirror);
        Assert.Contains("16 packages", full.Out, StringComparison.Ordinal);
        var fresh = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            Path.Combine(_source.Root, "fresh"),
            "--root",
            Root);
        Assert.True(Requests(resumed) < Requests(fresh) - 12, $"resumed: {resumed.Out} from scratch: {fresh.Out}");
    }

    [Fact]
    public async Task Verify_of_a_first_sync_that_was_interrupted_says_to_run_the_mirror_again()
    {
        await _source.InitAsync();
        await PublishManyAsync(4);
        await using var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var killed = await RegistryCli.RunCrashingAfterWritesAsync(
            4,
            ["mirror", server.BaseUri.ToString(), "--to", Mirror, "--root", Root, "--parallel", "1"]);
        Assert.NotEqual(0, killed.ExitCode);
        Assert.True(Directory.Exists(Path.Combine(Mirror, "targets")), killed.ToString());
        Assert.False(File.Exists(Path.Combine(Mirror, "metadata", "timestamp.json")));

        var half = await RegistryCli.RunAsync("verify", "--store", Mirror);

        Assert.Equal(1, half.ExitCode);
        Assert.Equal(
            $"FAIL {Mirror}: an incomplete mirror: it holds registry files but no metadata/timestamp.json, which "
            + "'registry mirror' writes last, so a mirror run stopped before it finished; run 'registry mirror' again "
            + $"to complete it\nFAILED {Mirror}: 1 problem(s)\n",
            half.Out);
        Assert.DoesNotContain("registry init", half.Out + half.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await SyncAsync(server.BaseUri)).ExitCode);
        Assert.Contains(
            "4 packages",
            (await RegistryCli.RunAsync("verify", "--store", Mirror)).Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task TufJs_reads_the_mirror_with_the_source_root_of_trust()
    {
        await _source.InitAsync();
        await PublishManyAsync(3);
        await using (var server = await RegistryServer.StartAsync(
            _source.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(0, (await SyncAsync(server.BaseUri)).ExitCode);
        }

        await using var mirror = await RegistryServer.StartAsync(
            Mirror,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var result = await TufJs.DownloadIndexAndArtifactsAsync(
            mirror.BaseUri,
            Root,
            Path.Combine(_source.Root, "tufjs"),
            "index/pkg-2.json");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex(@"(\d+) request\(s\)")]
    private static partial Regex RequestsPattern();
}
