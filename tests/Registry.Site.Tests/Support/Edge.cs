using System.Diagnostics;

namespace Registry.Site.Tests.Support;

/// <summary>A Varnish or nginx edge started by the project's own scripts (infra/varnish, infra/nginx) in front of an origin; stopped on dispose.</summary>
public sealed class Edge : IAsyncDisposable
{
    private readonly string _kind;
    private readonly string _state;

    private Edge(string kind, string state, Uri url)
    {
        _kind = kind;
        _state = state;
        Url = url;
    }

    public Uri Url { get; }

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Starts <c>infra/KIND/start.sh</c> (varnish or nginx) with ORIGIN=host:port of <paramref name="origin"/>.</summary>
    public static async Task<Edge> StartAsync(string kind, Uri origin)
    {
        var state = Path.Combine(Path.GetTempPath(), $"registry-site-{kind}-{Guid.NewGuid():N}");
        var port = (await RunAsync($"infra/{kind}/start.sh", new() { ["STATE_DIR"] = state, ["ORIGIN"] = $"{origin.Host}:{origin.Port}" })).Trim();
        return new Edge(kind, state, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync() => await RunAsync($"infra/{_kind}/stop.sh", new() { ["STATE_DIR"] = _state });

    private static async Task<string> RunAsync(string script, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot, script));
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
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await error} (the edge tests need varnish and nginx-light: run infra/install-test-deps.sh)");
        }

        return await output;
    }

    private static string FindRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "Registry.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("Registry.sln not found above " + AppContext.BaseDirectory);
        }

        return directory;
    }
}
