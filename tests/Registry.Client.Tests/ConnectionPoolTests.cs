using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Registry.Client;

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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            Interlocked.Increment(ref connections);
            return next(connection);
        })));
        await using var app = builder.Build();
        app.Run(async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await Task.Delay(50, Ct);
            Interlocked.Decrement(ref inFlight);
            await context.Response.WriteAsync(context.Request.Path.Value!, Ct);
        });
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.TrimEnd('/') + "/");
        using var reader = new HttpObjectReader(url, policy: new HttpPolicy { MaxConnectionsPerOrigin = 4 });

        var bodies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => reader.GetOrNullAsync($"metadata/{i}.json", Ct)));
        var again = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => reader.GetOrNullAsync($"targets/packages/a/{i}", Ct)));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"/metadata/{i}.json"), bodies.Select(b => System.Text.Encoding.UTF8.GetString(b!.Content)));
        Assert.All(again, Assert.NotNull);
        Assert.Equal(48, reader.RequestCount);
        Assert.True(connections <= 4, $"{connections} connections for 48 requests with a limit of 4");
        Assert.True(mostInFlight <= 4, $"{mostInFlight} requests in flight at once with a limit of 4");
    }

    [Fact]
    public void The_connection_limit_comes_from_the_environment_and_a_bad_value_is_refused()
    {
        Assert.Equal(16, HttpPolicy.FromEnvironment(_ => null).MaxConnectionsPerOrigin);
        Assert.Equal(6, HttpPolicy.FromEnvironment(name => name == "REGISTRY_HTTP_CONNECTIONS" ? "6" : null).MaxConnectionsPerOrigin);
        var error = Assert.Throws<Core.EnvironmentException>(() => HttpPolicy.FromEnvironment(name => name == "REGISTRY_HTTP_CONNECTIONS" ? "0" : null));
        Assert.Contains("REGISTRY_HTTP_CONNECTIONS=0 is not a number from 1 to 1024", error.Message, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
