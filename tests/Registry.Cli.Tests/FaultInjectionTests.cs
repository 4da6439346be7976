using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>The shipped tool has no fault injection: only the tests' in-process seam can crash a store.</summary>
public sealed class FaultInjectionTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task The_tool_ignores_the_old_fault_injection_variable()
    {
        await _registry.InitAsync();
        var run = await RegistryCli.RunProcessAsync(
            ["publish", .. _registry.StoreArgs, _registry.Package("alpha", "1.0.0")],
            new Dictionary<string, string> { ["REGISTRY_FAULT_KILL_AFTER_WRITES"] = "0" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(
            "1 packages, 1 versions",
            (await RegistryCli.RunAsync("verify", "--store", _registry.Store)).Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_crashed_through_the_test_seam_stops_the_command_and_leaves_the_registry_as_it_was()
    {
        await _registry.InitAsync();
        var before = _registry.StoreSnapshot();

        var run = await RegistryCli.RunCrashingAfterWritesAsync(
            0,
            ["publish", .. _registry.StoreArgs, _registry.Package("alpha", "1.0.0")]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("simulated crash", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
        var after = await RegistryCli.RunAsync(
            "publish",
            "--store",
            _registry.Store,
            "--keys",
            _registry.Keys,
            _registry.Package("beta", "1.0.0"));
        Assert.True(after.ExitCode == 0, $"the seam flows with one call only: {after}");
    }
}
