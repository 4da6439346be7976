using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Registry.Testing.Cli;
using Registry.Core;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>
/// Slow retrieval: servers that send headers and then nothing, trickle, cut the body, never
/// answer, or ask to come back later. Each test runs a real misbehaving HTTP server and prints how
/// long the client kept at it and how many bytes it read before giving up. Small timeouts keep
/// the real-time tests fast; the default policy's figures are measured on a manual clock.
/// </summary>
public sealed class SlowServerTests : IAsyncLifetime
{
    private static readonly HttpPolicy Fast = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(4),
        StallTimeout = TimeSpan.FromSeconds(1),
        MinBytesPerSecond = 100,
        TotalTimeout = TimeSpan.FromSeconds(8),
        MaxRetries = 2,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(3),
    };

    private readonly TestRegistry _registry = new();
    private MisbehavingServer _primary = null!;
    private MisbehavingServer _mirror = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string HomePath => Path.Combine(_registry.Root, "home");

    private RegistryHome Home => new(HomePath);

    private string Project => Path.Combine(_registry.Root, "project");

    private string RootKey => "metadata/1.root.json";

    private byte[] RootBytes => File.ReadAllBytes(Path.Combine(_registry.Store, "metadata", "1.root.json"));

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        var published = await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "2.0.0", "{\"alpha\":\"1.0.0\"}"));
        Assert.True(published.ExitCode == 0, published.ToString());
        _primary = await MisbehavingServer.StartAsync(_registry.Store);
        _mirror = await MisbehavingServer.StartAsync(_registry.Store);
        Home.AddSource(new SourceConfig { Name = "main", Url = _primary.Url, Mirrors = [_mirror.Url] }, RootBytes);
        Directory.CreateDirectory(Project);
        await File.WriteAllTextAsync(
            Path.Combine(Project, "registry.json"),
            "{\"dependencies\":{\"beta\":\"[2.0.0, 3.0.0)\"}}",
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _mirror.DisposeAsync();
        _registry.Dispose();
    }

    private static void Report(string what, TimeSpan elapsed, long bytes, string detail = "") =>
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FIGURE {what}: "
            + $"gave up after {elapsed.TotalSeconds:0.00} s, {bytes} byte(s) "
            + $"read{(detail.Length > 0 ? "; " + detail : "")}"));

    private async Task<(TransferException Error, TimeSpan Elapsed)> FailingReadAsync(
        HttpPolicy policy,
        string key = "metadata/1.root.json")
    {
        using var reader = new HttpObjectReader(_primary.Url, policy: policy);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TransferException>(
            () => reader.GetCappedOrNullAsync(key, 1024 * 1024, Ct));
        Assert.Equal(1, error.ExitCode);
        return (error, clock.Elapsed);
    }

    [Fact]
    public async Task Headers_then_a_stall_fail_every_attempt_at_the_stall_timeout()
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.HeadersThenStall();
        var (error, elapsed) = await FailingReadAsync(Fast);

        Report("headers then stall (stall 1 s, 3 attempts)", elapsed, error.BytesRead, error.Message);
        Assert.Contains("body stalled", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, slow.Requests);
        Assert.InRange(elapsed.TotalSeconds, 2.9, 6);
    }

    [Fact]
    public async Task No_response_headers_fail_every_attempt_at_the_stall_timeout()
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.NoHeaders();
        var (error, elapsed) = await FailingReadAsync(Fast);

        Report("no headers (stall 1 s, 3 attempts)", elapsed, error.BytesRead, error.Message);
        Assert.Contains("no response headers within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Attempts);
        Assert.InRange(elapsed.TotalSeconds, 2.9, 6);
    }

    [Fact]
    public async Task A_trickle_of_one_byte_per_second_falls_under_the_low_speed_limit()
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.Trickle(TimeSpan.FromSeconds(1));
        var (error, elapsed) = await FailingReadAsync(Fast);

        Report("1 byte/s trickle (min 100 B/s over 1 s, 3 attempts)", elapsed, error.BytesRead, error.Message);
        Assert.Contains("body stalled", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Attempts);
        Assert.InRange(error.BytesRead, 1, 9);
        Assert.InRange(elapsed.TotalSeconds, 2.9, 6);
    }

    [Fact]
    public async Task A_trickle_above_the_low_speed_limit_is_ended_by_the_total_timeout()
    {
        // 500 B/s passes the low-speed rule (100 B/s), so the attempt (4 s) and total (8 s) limits end it.
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.Trickle(TimeSpan.FromMilliseconds(100), chunk: 50);
        var (error, elapsed) = await FailingReadAsync(Fast);

        Report("500 B/s endless trickle (attempt 4 s, total 8 s)", elapsed, error.BytesRead, error.Message);
        Assert.Contains("total limit of 8 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Attempts);
        Assert.InRange(elapsed.TotalSeconds, 7.9, 10);
        Assert.InRange(error.BytesRead, 1000, 5000);
    }

    [Fact]
    public async Task A_body_cut_short_is_a_failed_attempt_and_retried()
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.CutShort(RootBytes, RootBytes.Length / 2);
        var (error, elapsed) = await FailingReadAsync(Fast);

        Report("body cut at half (3 attempts)", elapsed, error.BytesRead, error.Message);
        Assert.Contains(
            $"body cut short after {RootBytes.Length / 2} byte(s)",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(3, slow.Requests);
        Assert.Equal(3L * (RootBytes.Length / 2), error.BytesRead);
    }

    [Theory]
    [InlineData("delta")]
    [InlineData("date")]
    public async Task A_503_with_Retry_After_is_waited_for_then_retried(string form)
    {
        var slow = new SlowBehaviours();
        var retryAfter = form == "delta"
            ? "2"
            : DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture);
        _primary.Overrides[RootKey] = slow.UnavailableThen(1, retryAfter, RootBytes);
        using var reader = new HttpObjectReader(_primary.Url, policy: Fast);
        var clock = Stopwatch.StartNew();

        var fetched = await reader.GetCappedOrNullAsync(RootKey, 1024 * 1024, Ct);

        Report($"503 Retry-After ({form}) then 200", clock.Elapsed, fetched!.Content.Length);
        Assert.Equal(RootBytes, fetched.Content);
        Assert.Equal(2, slow.Requests);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 3.5); // the backoff alone would be 10 ms
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_bound_is_not_waited_for()
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[RootKey] = slow.UnavailableThen(1, "3600", RootBytes);
        using var reader = new HttpObjectReader(_primary.Url, policy: Fast);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => reader.GetCappedOrNullAsync(RootKey, 1024 * 1024, Ct));

        Report("503 Retry-After 3600 (bound 3 s)", clock.Elapsed, 0, error.Message);
        Assert.Contains(
            "Retry-After 3600 s is longer than the 3 s this client waits",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(1, slow.Requests);
        Assert.Equal(1, error.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task An_endless_body_at_full_speed_stops_at_the_size_cap()
    {
        _primary.Overrides[RootKey] = MisbehavingServer.Endless();
        using var reader = new HttpObjectReader(_primary.Url, policy: Fast);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<VerificationException>(
            () => reader.GetCappedOrNullAsync(RootKey, 1024 * 1024, Ct));

        Report("endless body at full speed (cap 1 MiB)", clock.Elapsed, 1024 * 1024, error.Message);
        Assert.Contains("exceeds the limit of 1048576", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, reader.RequestCount); // too big is an answer, not a transfer failure: no retry
    }

    [Theory]
    [InlineData("stall", "metadata/timestamp.json")]
    [InlineData("cut", "*.snapshot.json")]
    [InlineData("trickle", "*.targets.json")]
    public async Task A_slow_or_cut_metadata_file_on_the_primary_fails_over_to_the_mirror(string how, string key)
    {
        var slow = new SlowBehaviours();
        _primary.Overrides[key] = how switch
        {
            "stall" => slow.HeadersThenStall(),
            // declared shorter than the signed length, so it is read, then cut
            "cut" => slow.CutShort(new byte[500], 100),
            _ => slow.Trickle(TimeSpan.FromSeconds(1)),
        };
        using var client = new RegistryClient(Home, Home.Source("main"), TimeProvider.System, Fast);
        var clock = Stopwatch.StartNew();

        var result = await new ProjectInstaller(client).InstallAsync(Project, locked: false, offline: false, Ct);

        Report(
            $"{how} on {key} at the primary, then the mirror",
            clock.Elapsed,
            slow.BytesSent,
            string.Join(" | ", client.Warnings));
        Assert.Equal(["alpha", "beta"], result.Names);
        Assert.Equal(_mirror.Url.ToString(), result.Update.Url);
        Assert.Contains(client.Warnings, w => w.Contains(_primary.Url.ToString(), StringComparison.Ordinal)
            && w.Contains("gave up after 3 attempt(s)", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Project, "packages", "alpha", "lib", "alpha.txt")));
    }

    [Theory]
    [InlineData("stall", "body stalled")]
    [InlineData("cut", "body cut short")]
    public async Task A_stalled_or_cut_artifact_fails_install_with_exit_1_through_the_CLI(string how, string expected)
    {
        var artifact = File.ReadAllBytes(
            Directory.GetFiles(_registry.Store, "*alpha-1.0.0.tgz", SearchOption.AllDirectories).Single());
        var slow = new SlowBehaviours();
        var behaviour = how == "stall" ? slow.HeadersThenStall(artifact.Length) : slow.CutShort(artifact, 10);
        _primary.Overrides["*alpha-1.0.0.tgz"] = behaviour;
        _mirror.Overrides["*alpha-1.0.0.tgz"] = behaviour;
        var clock = Stopwatch.StartNew();

        var result = await RegistryCli.RunProcessAsync(["install", "--project", Project], new Dictionary<string, string>
        {
            ["REGISTRY_HOME"] = HomePath,
            ["REGISTRY_HTTP_STALL_TIMEOUT"] = "1",
            ["REGISTRY_HTTP_RETRIES"] = "1",
        });

        Report($"CLI install, artifact {how}", clock.Elapsed, slow.BytesSent, result.Error.Trim());
        Assert.True(result.ExitCode == 1, result.ToString());
        // Progress lines may come first (stderr is not a terminal here); the failure is one error line, the last.
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.StartsWith("registry: error: ", StringComparison.Ordinal));
        Assert.Equal(lines[^1], line);
        Assert.StartsWith("registry: error: GET ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Project, "packages")));
        Assert.False(File.Exists(Path.Combine(Project, "registry.lock")));
    }

    [Fact]
    public async Task A_malformed_HTTP_setting_in_the_environment_is_a_usage_error()
    {
        var result = await RegistryCli.RunProcessAsync(["install", "--project", Project], new Dictionary<string, string>
        {
            ["REGISTRY_HOME"] = HomePath,
            ["REGISTRY_HTTP_STALL_TIMEOUT"] = "soon",
        });
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("REGISTRY_HTTP_STALL_TIMEOUT=soon", result.Error, StringComparison.Ordinal);
    }

    // The default policy on a manual clock: what a user waits for, without the test waiting for it.

    // The manual clock runs far ahead of the real one: 1 s of it every few real ms. With `sent`, each step
    // also waits (up to 2 real seconds) for the server to have put its next chunk on the wire, so a loaded
    // machine cannot make a steady trickle look like a stall to the client's low-speed rule.
    private async Task<(TransferException Error, TimeSpan Elapsed)> DefaultPolicyFailureAsync(
        FakeTimeProvider time, double stepSeconds = 0.25, SlowBehaviours? sent = null)
    {
        var start = time.GetUtcNow();
        using var reader = new HttpObjectReader(_primary.Url, policy: new HttpPolicy { TimeProvider = time });
        var read = reader.GetCappedOrNullAsync(RootKey, 64L * 1024 * 1024, Ct);
        var limit = TimeSpan.FromMinutes(15);
        while (!read.IsCompleted && time.Since(start) < limit)
        {
            var before = sent?.BytesSent ?? 0;
            time.Advance(TimeSpan.FromSeconds(stepSeconds));
            await Task.Delay(3, Ct);
            var waited = Stopwatch.StartNew();
            while (sent is not null && sent.BytesSent == before && !read.IsCompleted
                && waited.ElapsedMilliseconds < 2000)
            {
                await Task.Delay(5, Ct);
            }
        }

        var error = await Assert.ThrowsAsync<TransferException>(() => read);
        Assert.Equal(1, error.ExitCode);
        return (error, time.Since(start));
    }

    [Fact]
    public async Task Default_policy_a_stall_after_the_headers_ends_after_four_attempts_of_15_s()
    {
        var time = TestClock.Fixed();
        _primary.Overrides[RootKey] = new SlowBehaviours(time).HeadersThenStall();
        var (error, elapsed) = await DefaultPolicyFailureAsync(time);

        Report("default policy, headers then stall (manual clock)", elapsed, error.BytesRead, error.Message);
        Assert.Equal(4, error.Attempts);
        Assert.InRange(elapsed.TotalSeconds, 60, 70); // 4 × 15 s and three jittered backoffs
    }

    [Fact]
    public async Task Default_policy_a_one_byte_per_second_trickle_ends_after_four_attempts_of_15_s()
    {
        var time = TestClock.Fixed();
        _primary.Overrides[RootKey] = new SlowBehaviours(time).Trickle(TimeSpan.FromSeconds(1));
        var (error, elapsed) = await DefaultPolicyFailureAsync(time);

        Report("default policy, 1 byte/s trickle (manual clock)", elapsed, error.BytesRead, error.Message);
        Assert.Equal(4, error.Attempts);
        Assert.InRange(elapsed.TotalSeconds, 60, 70); // 4 × 15 s and three jittered backoffs
        Assert.InRange(error.BytesRead, 40, 70);
    }

    [Fact]
    public async Task Default_policy_an_endless_trickle_above_the_low_speed_limit_ends_at_the_10_minute_total()
    {
        var time = TestClock.Fixed();
        var trickle = new SlowBehaviours(time);
        _primary.Overrides[RootKey] = trickle.Trickle(TimeSpan.FromSeconds(1), chunk: 4096);
        var (error, elapsed) = await DefaultPolicyFailureAsync(time, stepSeconds: 1, sent: trickle);

        Report("default policy, endless 4 KiB/s trickle (manual clock)", elapsed, error.BytesRead, error.Message);
        Assert.Contains("total limit of 600 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Attempts);
        Assert.InRange(elapsed.TotalSeconds, 600, 602);
    }
}
