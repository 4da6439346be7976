using System.Diagnostics;
using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>
/// <c>registry serve</c> run from a folder holding a large tree used to start a recursive file
/// watcher on it (the web host's default content root and appsettings reload), one inotify
/// watch per subfolder enumerated at start-up: 30 s to start in a big folder. These tests
/// check the cause, not a time.
/// </summary>
// SIGTERM to a serve started under libfaketime's preload ended with 143 in 2 of 3 date-shifted
// runs (never on the real clock); the test reads no date: it runs on the real clock only.
[Trait("Category", "signals")]
public sealed class ServeStartupTests : IDisposable
{
    private const int Subfolders = 40;

    private readonly TestRegistry _registry = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Serve_ignores_the_current_folder_watches_none_of_its_subfolders_and_stops_on_SIGTERM()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "counts inotify watches through /proc");
        await _registry.InitAsync();
        var cwd = Path.Combine(_registry.Root, "big");
        for (var i = 0; i < Subfolders; i++)
        {
            Directory.CreateDirectory(Path.Combine(cwd, $"d{i}", "sub"));
        }

        // Read by the web host's default builder from the current folder, this moved the server elsewhere.
        await File.WriteAllTextAsync(
            Path.Combine(cwd, "appsettings.json"),
            "{\"Kestrel\":{\"Endpoints\":{\"Other\":{\"Url\":\"http://127.0.0.2:0\"}}}}",
            Ct);

        using var process = RegistryCli.Start(["serve", _registry.Store, "--port", "0"], workingDirectory: cwd);
        var error = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(Ct);
            if (line?.StartsWith("serving ", StringComparison.Ordinal) != true)
            {
                Assert.Fail($"serve did not start: {line}\n{await StopAsync(process, error)}");
            }

            var baseUri = new Uri(line[(line.LastIndexOf(" at ", StringComparison.Ordinal) + 4)..]);
            Assert.Equal(0, InotifyWatches(process.Id));

            Assert.Equal("127.0.0.1", baseUri.Host);
            using var http = new HttpClient { BaseAddress = baseUri };
            using var response = await http.GetAsync("metadata/timestamp.json", Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await StopAsync(process, error);
        }

        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Sends SIGTERM (what a service manager or <c>docker stop</c> sends) and waits.</summary>
    private static async Task<string> StopAsync(Process process, Task<string> error)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start(
                "kill",
                ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }

        return await error;
    }

    /// <summary>The number of inotify watches a process holds, from /proc/PID/fdinfo.</summary>
    private static int InotifyWatches(int pid)
    {
        var watches = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget == "anon_inode:inotify")
            {
                watches += File.ReadLines($"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}")
                    .Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
        }

        return watches;
    }
}
