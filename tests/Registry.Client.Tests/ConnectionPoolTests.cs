using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>One keep-alive pool per URL: a burst of requests reuses a bounded set of connections.</summary>
public sealed class ConnectionPoolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forty_requests_at_once_use_at_most_the_configured_connections_and_reuse_them()
    {
        var connections = 0;
        var inFlight = 0;
        var mostInFlight = 0;
        await using var server = await LoopbackServer.StartAsync(
            async context =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref mostInFlight, now);
                await Task.Delay(50, Ct);
                Interlocked.Decrement(ref inFlight);
                await context.Response.WriteAsync(context.Request.Path.Value!, Ct);
            },
            onConnection: _ => Interlocked.Increment(ref connections),
            cancellationToken: Ct);
        var url = server.Url;
        using var reader = new HttpObjectReader(url, policy: new HttpPolicy { MaxConnectionsPerOrigin = 4 });

        var bodies = await Task.WhenAll(
            Enumerable.Range(0, 40).Select(i => reader.GetOrNullAsync($"metadata/{i}.json", Ct)));
        var again = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => reader.GetOrNullAsync($"targets/packages/a/{i}", Ct)));

        Assert.Equal(
            Enumerable.Range(0, 40).Select(i => $"/metadata/{i}.json"),
            bodies.Select(b => System.Text.Encoding.UTF8.GetString(b!.Content)));
        Assert.All(again, Assert.NotNull);
        Assert.Equal(48, reader.RequestCount);
        Assert.True(connections <= 4, $"{connections} connections for 48 requests with a limit of 4");
        Assert.True(mostInFlight <= 4, $"{mostInFlight} requests in flight at once with a limit of 4");
    }

    [Fact]
    public void The_connection_limit_comes_from_the_environment_and_a_bad_value_is_refused()
    {
        Assert.Equal(16, HttpPolicy.FromEnvironment(_ => null).MaxConnectionsPerOrigin);
        var policy = HttpPolicy.FromEnvironment(name => name == "REGISTRY_HTTP_CONNECTIONS" ? "6" : null);
        Assert.Equal(6, policy.MaxConnectionsPerOrigin);
        var error = Assert.Throws<Core.EnvironmentException>(
            () => HttpPolicy.FromEnvironment(name => name == "REGISTRY_HTTP_CONNECTIONS" ? "0" : null));
        Assert.Contains(
            "REGISTRY_HTTP_CONNECTIONS=0 is not a number from 1 to 1024",
            error.Message,
            StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value
            && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
