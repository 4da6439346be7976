using System.Diagnostics;

namespace Registry.Testing;

/// <summary>
/// Runs the project's own server scripts (<c>infra/*/start.sh</c>, <c>stop.sh</c>) from the repository
/// the tests were built in.
/// </summary>
public static class InfraScript
{
    /// <summary>
    /// The folder holding Registry.sln above the test binaries (or, for a benchmark built elsewhere,
    /// above the current folder).
    /// </summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// Runs <paramref name="script"/> (relative to the repository) with bash and returns its stdout;
    /// a failure throws with its stderr.
    /// </summary>
    public static async Task<string> RunAsync(
        string script, Dictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, script));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed ({process.ExitCode}): {await error} "
                + "(the S3 and edge tests need radosgw, varnish and nginx-light: run infra/install-test-deps.sh)");
        }

        return await output;
    }

    /// <summary>
    /// The <c>NAME=value</c> (or <c>export NAME=value</c>) lines of a script's output, quotes removed.
    /// </summary>
    public static Dictionary<string, string> Exports(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.StartsWith("export ", StringComparison.Ordinal) ? l[7..] : l)
            .Where(l => l.IndexOf('=', StringComparison.Ordinal) > 0)
            .ToDictionary(
                l => l[..l.IndexOf('=', StringComparison.Ordinal)],
                l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim('"', '\''));

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Registry.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Registry.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
    }
}
