using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Registry.Client;

namespace Registry.Edge.Tests;

/// <summary>The read token goes to the source's own origin only: a redirect to another origin arrives without it.</summary>
public sealed class TokenRedirectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>A real HTTP server that logs each request's headers and answers with <paramref name="answer"/>.</summary>
    private static (HttpListener Listener, ConcurrentQueue<string> Log, Task Loop) Serve(int port, Action<HttpListenerContext> answer)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var log = new ConcurrentQueue<string>();
        var loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                log.Enqueue($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath}\n" + string.Join('\n', context.Request.Headers.AllKeys.Select(k => $"{k}: {context.Request.Headers[k]}")));
                answer(context);
                context.Response.Close();
            }
        });
        return (listener, log, loop);
    }

    [Fact]
    public async Task A_redirect_to_another_origin_reaches_it_without_the_token()
    {
        int sourcePort = FreePort(), otherPort = FreePort();
        var other = Serve(otherPort, c =>
        {
            var body = "moved here"u8.ToArray();
            c.Response.StatusCode = 200;
            c.Response.OutputStream.Write(body);
        });
        var source = Serve(sourcePort, c =>
        {
            c.Response.StatusCode = 302;
            c.Response.RedirectLocation = $"http://127.0.0.1:{otherPort}/elsewhere/timestamp.json";
        });
        try
        {
            var baseUri = new Uri($"http://127.0.0.1:{sourcePort}/registry/");
            const string Token = "rgt1~abc~def~9999999999~~s1~0123456789abcdef";
            using var reader = new HttpObjectReader(baseUri) { Credential = new ReadCredential("private", baseUri, () => Token, "a test") };

            var fetched = await reader.GetOrNullAsync("metadata/timestamp.json", Ct);

            Assert.Equal("moved here", System.Text.Encoding.UTF8.GetString(fetched!.Content));
            var sourceLog = string.Join("\n\n", source.Log);
            var otherLog = string.Join("\n\n", other.Log);
            Assert.Contains($"Authorization: Bearer {Token}", sourceLog, StringComparison.Ordinal);
            Assert.Contains("GET /elsewhere/timestamp.json", otherLog, StringComparison.Ordinal);
            Assert.DoesNotContain("Authorization", otherLog, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Token, otherLog, StringComparison.Ordinal);
        }
        finally
        {
            source.Listener.Stop();
            other.Listener.Stop();
            await Task.WhenAll(source.Loop, other.Loop);
        }
    }

    [Fact]
    public void A_credential_applies_to_its_scheme_host_and_port_only()
    {
        var credential = new ReadCredential("private", new Uri("https://cdn.example/registry/"), () => "tok-secret", "a test");

        Assert.True(credential.AppliesTo(new Uri("https://cdn.example/registry/metadata/timestamp.json")));
        Assert.True(credential.AppliesTo(new Uri("https://CDN.example:443/other/path")));
        Assert.False(credential.AppliesTo(new Uri("http://cdn.example/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://cdn.example:8443/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://mirror.example/registry/")));
        Assert.False(credential.AppliesTo(new Uri("https://cdn.example.evil.test/registry/")));
        Assert.DoesNotContain("tok-secret", credential.ToString(), StringComparison.Ordinal);
    }
}
