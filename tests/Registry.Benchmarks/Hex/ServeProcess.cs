using System.Diagnostics;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// <c>registry serve SITE --port 0</c> as a child process, started from the folder that holds the
/// site (as a user would run it) and ready when it prints its URL; the start-up time is measured.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri baseUri, double startSeconds)
    {
        _process = process;
        BaseUri = baseUri;
        StartSeconds = startSeconds;
    }

    public Uri BaseUri { get; }

    public double StartSeconds { get; }

    public static async Task<ServeProcess> StartAsync(RegistryCli cli, string site)
    {
        var clock = Stopwatch.StartNew();
        var process = cli.Start(["serve", site, "--port", "0"], Path.GetDirectoryName(site));
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.LastIndexOf(" at http", StringComparison.Ordinal);
            if (line.StartsWith("serving ", StringComparison.Ordinal) && at > 0)
            {
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return new ServeProcess(process, new Uri(line[(at + 4)..].Trim()), clock.Elapsed.TotalSeconds);
            }
        }

        throw new InvalidOperationException(
            $"registry serve {site} exited ({(process.HasExited ? process.ExitCode : -1)}) before printing its URL");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
