using System.Text.Json;
using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary><c>registry status</c>: what expires when, which keys sign what; exit 0, 1 (expired) or 3
/// (warning).</summary>
public sealed class StatusTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private async Task<CliResult> StatusAsync(params string[] extra)
        => await RegistryCli.RunAsync(["status", "--store", _registry.Store, .. extra]);

    [Fact]
    public async Task A_fresh_registry_is_ok_and_each_role_names_its_keys_and_the_files_holding_them()
    {
        await _registry.InitAsync();
        var result = await StatusAsync("--keys", _registry.Keys);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.Equal(
            ["root", "targets", "bins", "snapshot", "timestamp"],
            lines.Skip(2).Where(l => l.Length > 0 && !l.StartsWith(' ')).Select(l => l.Split(' ')[0]));
        Assert.Contains(lines, l => l.StartsWith("timestamp  1 ", StringComparison.Ordinal)
            && l.EndsWith(" 1/1    ok", StringComparison.Ordinal));
        Assert.Contains($"held: {Path.Combine(_registry.Keys, "timestamp.pem")}", result.Out, StringComparison.Ordinal);

        var json = await StatusAsync("--json", "--keys", _registry.Keys);
        var report = JsonDocument.Parse(json.Out).RootElement;
        var roles = report.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("role").GetString()!);
        Assert.Equal("ok", roles["snapshot"].GetProperty("health").GetString());
        Assert.Equal(1, roles["bins"].GetProperty("max_version").GetInt64());
        Assert.Equal(86400, roles["timestamp"].GetProperty("warn_seconds").GetInt64());
        Assert.Equal(
            [Path.Combine(_registry.Keys, "targets.pem")],
            roles["bins"].GetProperty("key_files").EnumerateArray().Select(f => f.GetString()));
        Assert.InRange(roles["timestamp"].GetProperty("seconds_left").GetInt64(), 6 * 86400, 7 * 86400);
    }

    [Fact]
    public async Task A_timestamp_within_its_warning_window_exits_3_and_an_expired_one_exits_1()
    {
        await _registry.InitAsync();
        await _registry.ExpireTimestampAsync(TimeSpan.FromDays(6.5));
        var warning = await StatusAsync();
        Assert.Equal(3, warning.ExitCode);
        Assert.Contains(
            "WARNING: expires soon: is 'registry refresh' running, with this role's key?",
            warning.Out,
            StringComparison.Ordinal);
        Assert.Equal(0, (await StatusAsync("--warn", "timestamp=6h")).ExitCode);

        await _registry.ExpireTimestampAsync(TimeSpan.FromDays(8));
        var expired = await StatusAsync();
        Assert.Equal(1, expired.ExitCode);
        Assert.Contains("EXPIRED: expired: run 'registry refresh' with its key", expired.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs])).ExitCode);
        Assert.Equal(0, (await StatusAsync()).ExitCode);
    }

    [Fact]
    public async Task Status_reads_over_http_and_refuses_a_bad_warning_option()
    {
        await _registry.InitAsync();
        await using var server = await Serve.RegistryServer
            .StartAsync(_registry.Store, 0, cancellationToken: TestContext.Current.CancellationToken);
        var result = await RegistryCli.RunAsync("status", "--store", server.BaseUri.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, (await StatusAsync("--warn", "timestamp")).ExitCode);
    }
}
