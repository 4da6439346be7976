using System.Diagnostics;

namespace Registry.Benchmarks.Hex;

/// <summary>What a child process did: exit code, output, wall time.</summary>
internal sealed record ProcResult(int ExitCode, string Out, string Err, TimeSpan Elapsed)
{
    public ProcResult Check(string what) => ExitCode == 0
        ? this
        : throw new InvalidOperationException(
            $"{what} failed with exit code {ExitCode}:\n{Err.Trim()}\n{Out.Trim()}".Trim());
}

/// <summary>Runs child processes (the CLI, git, cp, reprepro) and times them from start to exit.</summary>
internal static class Proc
{
    public static async Task<ProcResult> RunAsync(
        string file,
        IEnumerable<string> args,
        string? cwd = null,
        IReadOnlyDictionary<string, string>? env = null,
        CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = Start(file, args, cwd, env) };
        var clock = Stopwatch.StartNew();
        process.Start();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        return new ProcResult(process.ExitCode, await output, await error, clock.Elapsed);
    }

    public static ProcessStartInfo Start(
        string file,
        IEnumerable<string> args,
        string? cwd,
        IReadOnlyDictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Progress on stderr, as the CLI does.</summary>
    public static void Say(string message) => Console.Error.WriteLine($"bench: {message}");
}
