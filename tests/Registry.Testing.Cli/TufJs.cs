using System.Diagnostics;

namespace Registry.Testing.Cli;

/// <summary>
/// Runs tuf-js (the TUF client npm uses), via <c>tests/tuf-js/check.mjs</c>, against a
/// registry served over HTTP. Installs its npm dependencies on first use.
/// </summary>
public static class TufJs
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string Folder => Path.Combine(InfraScript.RepositoryRoot, "tests", "tuf-js");

    public static Task<CliResult> RefreshAndDownloadAsync(
        Uri baseUri,
        string rootFile,
        string workDir,
        params string[] targets) =>
        RunCheckAsync(baseUri, rootFile, workDir, artifacts: false, targets);

    /// <summary>Downloads index documents as TUF targets, then every artifact they list, checked against the verified
    /// entries.</summary>
    public static Task<CliResult> DownloadIndexAndArtifactsAsync(
        Uri baseUri,
        string rootFile,
        string workDir,
        params string[] indexTargets) =>
        RunCheckAsync(baseUri, rootFile, workDir, artifacts: true, indexTargets);

    private static async Task<CliResult> RunCheckAsync(
        Uri baseUri,
        string rootFile,
        string workDir,
        bool artifacts,
        string[] targets)
    {
        await EnsureInstalledAsync();
        var args = new List<string>
        {
            Path.Combine(Folder, "check.mjs"),
            "--metadata-url", new Uri(baseUri, "metadata/").ToString().TrimEnd('/'),
            "--targets-url", new Uri(baseUri, "targets/").ToString().TrimEnd('/'),
            "--root", rootFile,
            "--dir", workDir,
        };
        foreach (var target in targets)
        {
            args.Add("--target");
            args.Add(target);
        }

        if (artifacts)
        {
            args.Add("--artifacts");
        }

        return await RunAsync("node", args, Folder);
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!Directory.Exists(Path.Combine(Folder, "node_modules", "tuf-js")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], Folder);
                Assert.True(install.ExitCode == 0, $"npm ci in {Folder} failed: {install}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task<CliResult> RunAsync(string file, IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
