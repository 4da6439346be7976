using System.Diagnostics;
using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Core.Tokens;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// The CloudFront side of the one verifier file: its <c>handler</c>, run by node as docs/deploy.md
/// deploys it (against a fake KeyValueStore), decides as nginx does for tokens the CLI issues.
/// </summary>
public sealed class TokenVerifierNodeTests
{
    private static async Task<(int Status, string Error, string Authorization)> RunAsync(
        string kvs,
        string uri,
        string? authorization)
    {
        var (status, error, forwarded, _) = await RunWithAsync(kvs, uri, authorization, append: null);
        return (status, error, forwarded);
    }

    private static async Task<(int Status, string Error, string Authorization, string Uri)> RunWithAsync(
        string kvs,
        string uri,
        string? authorization,
        string? append)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList
            .Add(Path.Combine(InfraScript.RepositoryRoot, "tests/Registry.Edge.Tests/node/cloudfront-harness.js"));
        info.ArgumentList.Add(Path.Combine(InfraScript.RepositoryRoot, "infra/edge/token-verifier.js"));
        info.ArgumentList.Add(kvs);
        info.ArgumentList.Add(uri);
        info.ArgumentList.Add(authorization ?? "");
        if (append is not null)
        {
            info.ArgumentList.Add(Path.Combine(InfraScript.RepositoryRoot, append));
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.GetProperty("status").GetInt32(), json.RootElement.GetProperty("error").GetString()!,
            json.RootElement.GetProperty("authorization").GetString()!, json.RootElement.GetProperty("uri")
                .GetString()!);
    }

    [Fact]
    public async Task The_cloudfront_handler_grants_a_valid_token_and_refuses_missing_revoked_and_out_of_scope_ones()
    {
        using var registry = new TestRegistry();
        Directory.CreateDirectory(registry.Keys);
        string Issue(string scope)
        {
            var result = RegistryCli.RunAsync(
                "token",
                "issue",
                "--keys",
                registry.Keys,
                "--name",
                "n",
                "--expires",
                "1d",
                "--scope",
                scope,
                "--json").GetAwaiter().GetResult();
            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = JsonDocument.Parse(result.Out);
            return json.RootElement.GetProperty("token").GetString()!;
        }

        var valid = Issue("acme-");
        var revoked = Issue("acme-");
        var revokedId = revoked.Split('~')[2];
        Assert.Equal(0, (await RegistryCli.RunAsync("token", "revoke", "--keys", registry.Keys, revokedId)).ExitCode);
        var edgeFile = Path.Combine(registry.Root, "edge.json");
        Assert.Equal(
            0,
            (await RegistryCli.RunAsync("token", "edge-config", "--keys", registry.Keys, "--out", edgeFile)).ExitCode);
        // The KeyValueStore as docs/deploy.md fills it from edge.json.
        using var edge = JsonDocument.Parse(
            await File.ReadAllBytesAsync(edgeFile, TestContext.Current.CancellationToken));
        var kvs = new Dictionary<string, string> {
            ["registry"] = edge.RootElement.GetProperty("registry").GetString()! };
        foreach (var secret in edge.RootElement.GetProperty("secrets").EnumerateObject())
        {
            kvs["secret:" + secret.Name] = secret.Value.GetString()!;
        }

        foreach (var id in edge.RootElement.GetProperty("revoked").EnumerateArray())
        {
            kvs["revoked:" + id.GetString()] = "1";
        }

        var kvsFile = Path.Combine(registry.Root, "kvs.json");
        await File.WriteAllTextAsync(kvsFile, JsonSerializer.Serialize(kvs), TestContext.Current.CancellationToken);

        Assert.Equal(
            (200, "", "removed"),
            await RunAsync(kvsFile, "/reg/targets/packages/acme-core/1.0.0/x.tgz", "Bearer " + valid));
        Assert.Equal((200, "", "removed"), await RunAsync(
            kvsFile,
            "/reg/metadata/timestamp.json",
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("u:" + valid))));
        Assert.Equal((401, "missing", ""), await RunAsync(kvsFile, "/reg/metadata/timestamp.json", null));
        Assert.Equal(
            (401, "revoked", ""),
            await RunAsync(kvsFile, "/reg/metadata/timestamp.json", "Bearer " + revoked));
        Assert.Equal(
            (403, "scope", ""),
            await RunAsync(kvsFile, "/reg/nuget/v3/flatcontainer/other/index.json", "Bearer " + valid));
        Assert.Equal((401, "invalid", ""), await RunAsync(
            kvsFile,
            "/reg/metadata/timestamp.json",
            "Bearer " + valid.Replace("~acme-~", "~~", StringComparison.Ordinal)));
        Assert.StartsWith(ReadToken.Prefix + "~", valid, StringComparison.Ordinal);

        // A private registry with the NuGet search: one function, the verifier with the search rewrite
        // appended as docs/deploy.md builds it. A granted search is rewritten to its static answer;
        // a refused one is answered before any rewrite; other files pass unchanged.
        const string Search = "infra/edge/cloudfront-nuget-search.js";
        Assert.Equal((200, "", "removed", "/reg/nuget/v3/search/query/acm.json"),
            await RunWithAsync(
                kvsFile,
                "/reg/nuget/v3/search/query.json?q=Acme.Core&take=20",
                "Bearer " + valid,
                Search));
        Assert.Equal(
            (401, "missing", "", ""),
            await RunWithAsync(kvsFile, "/reg/nuget/v3/search/query.json?q=acme", null, Search));
        Assert.Equal((200, "", "removed", "/reg/metadata/timestamp.json"),
            await RunWithAsync(kvsFile, "/reg/metadata/timestamp.json", "Bearer " + valid, Search));
        // Without the appended file the verifier forwards the search URL as it came.
        Assert.Equal((200, "", "removed", "/reg/nuget/v3/search/query.json"),
            await RunWithAsync(kvsFile, "/reg/nuget/v3/search/query.json?q=acme", "Bearer " + valid, append: null));
    }
}
