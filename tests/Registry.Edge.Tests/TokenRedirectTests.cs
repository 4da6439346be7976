using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Registry.Client;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>The read token goes to the source's own origin only: a redirect to another origin arrives without
/// it.</summary>
public sealed class TokenRedirectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A real HTTP server that logs each request's headers and answers with
    /// <paramref name="answer"/>.</summary>
    private static async Task<(LoopbackServer Server, ConcurrentQueue<string> Log)> ServeAsync(RequestDelegate answer)
    {
        var log = new ConcurrentQueue<string>();
        var server = await LoopbackServer.StartAsync(
            context =>
            {
                var request = context.Request;
                log.Enqueue($"{request.Method} {request.Path}\n"
                    + string.Join('\n', request.Headers.Select(h => $"{h.Key}: {h.Value}")));
                return answer(context);
            },
            cancellationToken: Ct);
        return (server, log);
    }

    [Fact]
    public async Task A_redirect_to_another_origin_reaches_it_without_the_token()
    {
        var other = await ServeAsync(async c =>
        {
            var body = "moved here"u8.ToArray();
            c.Response.StatusCode = 200;
            await c.Response.Body.WriteAsync(body);
        });
        await using var otherServer = other.Server;
        var source = await ServeAsync(c =>
        {
            c.Response.StatusCode = 302;
            c.Response.Headers.Location = new Uri(other.Server.Url, "elsewhere/timestamp.json").ToString();
            return Task.CompletedTask;
        });
        await using var sourceServer = source.Server;
        var baseUri = new Uri(source.Server.Url, "registry/");
        const string Token = "rgt1~abc~def~9999999999~~s1~0123456789abcdef";
        using var reader = new HttpObjectReader(baseUri) {
            Credential = new ReadCredential("private", baseUri, () => Token, "a test") };

        var fetched = await reader.GetOrNullAsync("metadata/timestamp.json", Ct);

        Assert.Equal("moved here", System.Text.Encoding.UTF8.GetString(fetched!.Content));
        var sourceLog = string.Join("\n\n", source.Log);
        var otherLog = string.Join("\n\n", other.Log);
        Assert.Contains($"Authorization: Bearer {Token}", sourceLog, StringComparison.Ordinal);
        Assert.Contains("GET /elsewhere/timestamp.json", otherLog, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", otherLog, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, otherLog, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_applies_to_its_scheme_host_and_port_only()
    {
        var credential = new ReadCredential(
            "private",
            new Uri("https://cdn.example/registry/"),
            () => "tok-secret",
            "a test");

        Assert.True(credential.AppliesTo(new Uri("https://cdn.example/registry/metadata/timestamp.json")));
        Assert.True(credential.AppliesTo(new Uri("https://CDN.example:443/other/path")));
        Assert.False(credential.AppliesTo(new Uri("http://cdn.example/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://cdn.example:8443/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://mirror.example/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://cdn.example.evil.test/registry/")));
        Assert.DoesNotContain("tok-secret", credential.ToString(), StringComparison.Ordinal);
    }
}
