using System.Diagnostics;
using Registry.Cli;

namespace Registry.Testing.Cli;

/// <summary>What a run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>Runs the real CLI, in-process (fast) or as a separate process (for races and crashes).</summary>
public static class RegistryCli
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The built registry.dll next to the tests.</summary>
    public static string RegistryDll { get; } = Path.Combine(AppContext.BaseDirectory, "registry.dll");

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, Ct);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the CLI in-process with every store it opens dying after <paramref name="writes"/>
    /// completed writes (<see cref="CrashAfterWritesStore"/>): a publisher or mirror killed at
    /// that point of its transaction. The wrapper reaches the CLI through its test seam
    /// (StoreFactory.TestWrapper, flowing with this call only), so parallel tests are unaffected.
    /// </summary>
    public static async Task<CliResult> RunCrashingAfterWritesAsync(int writes, params string[] args)
    {
        Registry.Cli.Internal.StoreFactory.TestWrapper.Value = store => new CrashAfterWritesStore(store, writes);
        return await RunAsync(args);
    }

    public static Process Start(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null) =>
        Start(args, environment, workingDirectory, stdin: null);

    /// <summary>Runs the CLI out of process with <paramref name="stdin"/> as its standard input (e.g. <c>source
    /// login</c>).</summary>
    public static async Task<CliResult> RunProcessAsync(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment,
        string stdin)
    {
        using var process = Start(args, environment, null, stdin);
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return new CliResult(process.ExitCode, await output, await error);
    }

    private static Process Start(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment,
        string? workingDirectory,
        string? stdin)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.ArgumentList.Add(RegistryDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        return process;
    }

    public static async Task<CliResult> RunProcessAsync(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
