using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Registry.Testing.Cli;

/// <summary>
/// The commands a document shows, run as a user would: the fenced blocks of one language from a
/// Markdown file, run by bash (<c>-euo pipefail</c>) in a folder, with <c>registry</c> on PATH
/// being the built CLI (a wrapper that execs <c>dotnet registry.dll</c>, so a background
/// <c>registry serve &amp;</c> is the server process itself).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static partial class DocScript
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fenced blocks of <paramref name="language"/> (```sh) in <paramref name="markdown"/>, in
    /// order.</summary>
    public static IReadOnlyList<string> Blocks(string markdown, string language) =>
        Fence().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();

    /// <summary>Runs <paramref name="script"/> in <paramref name="folder"/>; background jobs are killed when it
    /// ends.</summary>
    public static async Task<CliResult> RunAsync(
        string folder,
        string script,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var bin = Directory.CreateDirectory(Path.Combine(folder, ".bin")).FullName;
        var wrapper = Path.Combine(bin, "registry");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{RegistryCli.RegistryDll}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0b111_101_101);
        var file = Path.Combine(bin, "script.sh");
        File.WriteAllText(
            file,
            "set -euo pipefail\ntrap 'jobs -p | xargs -r kill 2>/dev/null || true' EXIT\n" + script);

        var info = new ProcessStartInfo("bash") {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = folder };
        info.ArgumentList.Add(file);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal))
            .ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment["REGISTRY_HOME"] = Path.Combine(folder, ".registry-home");
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new CliResult(-1, await output, $"killed after the timeout\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"^```([a-z]*)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
