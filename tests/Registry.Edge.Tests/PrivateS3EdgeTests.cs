using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// The shipped verifier in nginx in front of the real S3 server (radosgw): a private registry
/// published to a bucket is read through the edge with a token and refused without one. (The
/// test bucket is anonymously readable so nginx can fetch it unsigned; on AWS the bucket stays
/// private and CloudFront's origin access control signs, docs/deploy.md.)
/// </summary>
public sealed class PrivateS3EdgeTests(ServersFixture servers)
{
    [Fact]
    public async Task A_private_registry_on_s3_installs_through_the_verifying_edge_with_a_token_only()
    {
        await using var registry = new S3Registry(servers);
        await registry.CreateAsync();
        var publish = await registry.PublishAsync(registry.Local.Package("acme-core", "1.0.0"));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var issue = await RegistryCli.RunAsync(
            "token",
            "issue",
            "--keys",
            registry.Local.Keys,
            "--name",
            "ci",
            "--expires",
            "1d",
            "--json");
        Assert.True(issue.ExitCode == 0, issue.ToString());
        using var issued = JsonDocument.Parse(issue.Out);
        var token = issued.RootElement.GetProperty("token").GetString()!;
        var edgeConfig = Path.Combine(registry.Local.Root, "edge.json");
        Assert.Equal(0, (await RegistryCli.RunAsync(
            "token",
            "edge-config",
            "--keys",
            registry.Local.Keys,
            "--out",
            edgeConfig)).ExitCode);
        var state = Path.Combine(registry.Local.Root, "nginx");
        var port = (await InfraScript.RunAsync("infra/nginx/start.sh", new()
        {
            ["STATE_DIR"] = state,
            ["ORIGIN"] = $"{servers.S3Endpoint.Host}:{servers.S3Endpoint.Port}",
            ["TOKEN_CONFIG"] = edgeConfig,
        })).Trim();
        try
        {
            var edge = new Uri($"http://127.0.0.1:{port}/{registry.Bucket}/registry/");
            var root = Path.Combine(registry.Local.Root, "1.root.json");
            using (var s3 = servers.CreateClient())
            using (var response = await s3.GetObjectAsync(
                registry.Bucket,
                "registry/metadata/1.root.json",
                TestContext.Current.CancellationToken))
            {
                await response.WriteResponseStreamToFileAsync(root, false, TestContext.Current.CancellationToken);
            }

            var env = new Dictionary<string, string> {
                ["REGISTRY_HOME"] = Path.Combine(registry.Local.Root, "home"),
                ["ACME_TOKEN"] = token };
            var folder = Directory.CreateDirectory(Path.Combine(registry.Local.Root, "fetched")).FullName;
            Assert.Equal(0, (await RegistryCli.RunProcessAsync(
                ["source", "add", "acme", edge.ToString(), "--root", root, "--token-env", "NO_SUCH_VARIABLE"],
                env)).ExitCode);
            var refused = await RegistryCli.RunProcessAsync(["fetch", "acme-core", "-o", folder], env);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("needs a read token", refused.Error, StringComparison.Ordinal);

            Assert.Equal(0, (await RegistryCli.RunProcessAsync(
                ["source", "add", "acme", edge.ToString(), "--root", root, "--token-env", "ACME_TOKEN"],
                env)).ExitCode);
            var fetched = await RegistryCli.RunProcessAsync(["fetch", "acme-core", "-o", folder], env);
            Assert.True(fetched.ExitCode == 0, fetched.ToString());
            Assert.Single(Directory.GetFiles(folder, "acme-core*"));
            Assert.DoesNotContain(token.Split('~')[^1], fetched.Out + fetched.Error, StringComparison.Ordinal);
        }
        finally
        {
            await InfraScript.RunAsync("infra/nginx/stop.sh", new() { ["STATE_DIR"] = state });
        }
    }
}
