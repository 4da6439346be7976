using System.Globalization;
using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// Long work reports progress on stderr: plain whole lines when stderr is not a terminal (as here),
/// with a counter that has a total and never goes back; stdout keeps only the result.
/// </summary>
public sealed partial class ProgressOutputTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    /// <summary>The (done, total) of each <c>registry: WHAT: DONE/TOTAL</c> line.</summary>
    private static List<(int Done, int Total)> Steps(string stderr, string what) =>
        [.. Regex.Matches(stderr, $@"^registry: {what}: (\d+)/(\d+)", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(
                m.Groups[2].Value,
                CultureInfo.InvariantCulture)))];

    private static void AssertCountsUpToTheTotal(List<(int Done, int Total)> steps, CliResult result)
    {
        Assert.True(steps.Count > 0, result.ToString());
        Assert.Single(steps.Select(s => s.Total).Distinct());
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First.Done <= p.Second.Done), result.ToString());
        Assert.Equal(steps[^1].Total, steps[^1].Done);
        Assert.DoesNotContain('\r', result.Error);
        Assert.DoesNotContain('\u001b', result.Error);
    }

    [Fact]
    public async Task A_multi_file_publish_shows_each_file_checked_out_of_the_total()
    {
        await _registry.InitAsync();
        var files = Enumerable.Range(0, 3).Select(i => _registry.Package($"pkg-{i}", "1.0.0")).ToArray();
        var result = await _registry.PublishAsync(files);
        Assert.True(result.ExitCode == 0, result.ToString());
        AssertCountsUpToTheTotal(Steps(result.Error, "checking package files"), result);
        Assert.Equal(3, Steps(result.Error, "checking package files")[^1].Total);
        Assert.All(
            result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            line => Assert.StartsWith("published ", line, StringComparison.Ordinal));

        var single = await _registry.PublishAsync(_registry.Package("solo", "1.0.0"));
        Assert.Empty(Steps(single.Error, "checking package files"));
    }

    [Fact]
    public async Task The_mirror_counts_bins_out_of_a_total_and_its_last_line_ends_before_the_result()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(
            [.. Enumerable.Range(0, 12).Select(i => _registry.Package($"pkg-{i}", "1.0.0"))])).ExitCode);
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var result = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            Path.Combine(_registry.Root, "mirror"),
            "--root",
            Path.Combine(_registry.Store, "metadata", "1.root.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var steps = Steps(result.Error, "mirroring bins");
        AssertCountsUpToTheTotal(steps, result);
        Assert.InRange(steps[^1].Total, 2, 16);
        Assert.Matches(
            @"^registry: mirroring bins: \d+/\d+ \(\d+ files, \d+\.\d MiB\)\n$",
            result.Error.Split('\n')[^2] + "\n");
        Assert.StartsWith("mirrored timestamp 2:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_shows_progress_as_plain_lines_without_colour_when_stderr_is_not_a_terminal()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"), _registry.Package("beta", "1.0.0"));
        await using var client = await ClientProject.StartAsync(
            _registry,
            "{\"alpha\":\"[1.0.0, 2.0.0)\",\"beta\":\"[1.0.0, 2.0.0)\"}");

        var result = await client.RunAsync(
            new Dictionary<string, string> { ["NO_COLOR"] = "1" },
            "install",
            "--project",
            client.Folder);
        Assert.True(result.ExitCode == 0, result.ToString());
        AssertCountsUpToTheTotal(Steps(result.Error, "installing"), result);
        Assert.Contains("registry: installing: 2/2 ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("installing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_progress_is_a_bar_coloured_unless_NO_COLOR_is_set_and_it_ends_before_the_result()
    {
        // script(1) runs the CLI on a pseudo-terminal, as a user at a shell would.
        Assert.SkipUnless(File.Exists("/usr/bin/script"), "needs script(1) (util-linux) for a pseudo-terminal");
        await _registry.InitAsync();
        var files = Enumerable.Range(0, 3).Select(i => _registry.Package($"pkg-{i}", "1.0.0")).ToArray();
        var command = string.Join(' ', ((string[])["dotnet", RegistryCli.RegistryDll, "publish", .. _registry
            .StoreArgs, .. files]).Select(a => $"'{a}'"));

        var plain = await OnTerminalAsync(command, noColor: true);
        Assert.Contains("checking package files 3/3", plain, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\u001b\[38;", plain);
        Assert.Matches(
            @"\n(\u001b\[\?25h)?published pkg-0 1\.0\.0 ",
            plain.Replace("\r", "", StringComparison.Ordinal));

        var coloured = await OnTerminalAsync(command, noColor: false);
        Assert.Contains("checking package files 3/3", coloured, StringComparison.Ordinal);
        Assert.Matches(@"\u001b\[38;", coloured);
    }

    private static async Task<string> OnTerminalAsync(string command, bool noColor)
    {
        var info = new System.Diagnostics.ProcessStartInfo("script") {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["TERM"] = "xterm-256color";
        info.Environment.Remove("NO_COLOR");
        if (noColor)
        {
            info.Environment["NO_COLOR"] = "1";
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await output);
        return await output;
    }
}
