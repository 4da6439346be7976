using System.Diagnostics;
using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// The README's Install section, as a user runs it: infra/publish-cli.sh on a machine without
/// clang makes the framework-dependent tool (not a failed install), a registry hosts its own tool
/// (`registry publish` of the .nupkg files into its NuGet feed, `registry serve`), and
/// `dotnet tool install --add-source FEED Registry.Cli` installs a tool that runs.
/// Slow (a Release pack of the CLI, about 1.5 min on 2 cores): filter it out with
/// <c>--filter "Category!=slow"</c> when iterating.
/// </summary>
[Trait("Category", "slow")]
public sealed partial class SelfHostedToolTests : IDisposable
{
    private const string Version = "0.0.1-selfhost";
    private readonly TestRegistry _registry = new();
    private readonly DotnetNuGet _dotnet = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _dotnet.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public async Task A_registry_hosts_its_own_tool_built_without_clang_and_dotnet_tool_install_runs_it()
    {
        var artifacts = Path.Combine(_registry.Root, "artifacts");
        var script = await RunScriptAsync(
            Path.Combine(InfraScript.RepositoryRoot, "infra", "publish-cli.sh"),
            "--version",
            Version,
            "--output",
            artifacts);
        Assert.True(script.ExitCode == 0, script.ToString());
        Assert.Contains(
            "clang not found: making the framework-dependent tool only",
            script.Error,
            StringComparison.Ordinal);
        var packages = Directory.GetFiles(Path.Combine(artifacts, "tool"), "*.nupkg").Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal([$"Registry.Cli.{Version}.nupkg", $"Registry.Cli.any.{Version}.nupkg"], packages);

        await _registry.InitAsync();
        using var serve = RegistryCli.Start(["serve", _registry.Store, "--port", "0"]);
        try
        {
            var line = await serve.StandardOutput.ReadLineAsync(Ct) ?? "";
            var url = UrlPattern().Match(line);
            Assert.True(url.Success, $"no URL in: {line}");
            var settings = await RegistryCli.RunAsync("settings", "--store", _registry.Store, "--nuget-url", url.Value);
            Assert.True(settings.ExitCode == 0, settings.ToString());
            var publish = await _registry.PublishAsync(Directory.GetFiles(Path.Combine(artifacts, "tool"), "*.nupkg"));
            Assert.True(publish.ExitCode == 0, publish.ToString());

            // An http:// feed (a trial with `registry serve`) needs NuGet's allowInsecureConnections
            // in a nuget.config; an https:// CDN feed needs none.
            var feed = new Uri(new Uri(url.Value), "nuget/v3/index.json").ToString();
            var work = Directory.CreateDirectory(Path.Combine(_dotnet.Root, "work")).FullName;
            DotnetNuGet.WriteNuGetConfig(work, feed);
            var tools = Path.Combine(_dotnet.Root, "tools");
            var install = await _dotnet.RunAsync(
                work,
                DotnetNuGet.DefaultTimeout,
                "tool",
                "install",
                "--tool-path",
                tools,
                "--add-source",
                feed,
                "--version",
                Version,
                "Registry.Cli");
            Assert.True(install.ExitCode == 0, install.ToString());

            var version = await RunAsync(Path.Combine(tools, "registry"), ["--version"]);
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.StartsWith(Version, version.Out, StringComparison.Ordinal);
            var verify = await RunAsync(Path.Combine(tools, "registry"), ["verify", "--store", url.Value]);
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
        finally
        {
            serve.Kill();
            await serve.WaitForExitAsync(Ct);
        }
    }

    /// <summary>
    /// Runs a script with the test host's MSBuild/NuGet/vstest variables removed (they would point
    /// the SDK elsewhere) and with a PATH on which clang cannot be found, whatever this machine has.
    /// </summary>
    private async Task<CliResult> RunScriptAsync(string script, params string[] args)
    {
        var path = Directory.CreateDirectory(Path.Combine(_registry.Root, "path-without-clang")).FullName;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(
            ':',
            StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var link = Path.Combine(path, Path.GetFileName(file));
                if (!Path.GetFileName(file).StartsWith("clang", StringComparison.Ordinal) && !File.Exists(link)
                    && !Directory.Exists(link))
                {
                    File.CreateSymbolicLink(link, file);
                }
            }
        }

        return await RunAsync(script, args, new Dictionary<string, string> { ["PATH"] = path });
    }

    private static async Task<CliResult> RunAsync(
        string file,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("NUGET_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("FAKETIME", StringComparison.Ordinal)
            || k is "LD_PRELOAD" or "NO_FAKE_STAT").ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return new CliResult(process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"http://[^\s]+")]
    private static partial Regex UrlPattern();
}
