using System.Text.RegularExpressions;
using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>What infra/demo.sh relies on, so that it needs only the .NET SDK on a fresh Debian machine.</summary>
public sealed partial class ScriptTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    private static string Repository => InfraScript.RepositoryRoot;

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Serve_on_port_0_prints_a_url_that_answers_once_it_listens()
    {
        await _registry.InitAsync();
        using var serve = RegistryCli.Start(["serve", _registry.Store, "--port", "0"]);
        try
        {
            var line = await serve.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            var url = UrlPattern().Match(line ?? "");
            Assert.True(url.Success, $"no URL in the first line: {line}");

            using var http = new HttpClient();
            using var response = await http.GetAsync(
                new Uri(new Uri(url.Value), "metadata/timestamp.json"),
                TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            serve.Kill();
            await serve.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void The_demo_calls_nothing_a_fresh_debian_with_the_dotnet_sdk_lacks()
    {
        var script = File.ReadAllText(Path.Combine(Repository, "infra", "demo.sh"));
        var code = string.Join('\n', script.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));

        Assert.DoesNotMatch(@"\b(python3?|curl|wget|nc|jq)\b", code);
        Assert.Contains("--port 0", code, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://[^\s]+")]
    private static partial Regex UrlPattern();
}
