using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>docs/quickstart.md works as written: its `sh` blocks, run in order in an empty folder.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QuickstartTests : IDisposable
{
    private readonly TestRegistry _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Every_command_of_the_quick_start_runs_and_the_project_gets_its_package()
    {
        var markdown = File.ReadAllText(Path.Combine(InfraScript.RepositoryRoot, "docs", "quickstart.md"));
        var blocks = DocScript.Blocks(markdown, "sh");
        Assert.True(blocks.Count >= 6, $"only {blocks.Count} sh blocks in docs/quickstart.md");
        var port = ClosedPort.Url().Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var script = string.Join("\n", blocks).Replace("8080", port, StringComparison.Ordinal);

        var result = await DocScript.RunAsync(_work.Root, script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hello, team", result.Out, StringComparison.Ordinal);
        Assert.Contains("packed hello 1.0.0", result.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_work.Root, "app", "registry.lock")));
        Assert.True(File.Exists(Path.Combine(_work.Root, "offline", "root.pem")));
        Assert.False(File.Exists(Path.Combine(_work.Root, "keys", "root.pem")));
    }
}
