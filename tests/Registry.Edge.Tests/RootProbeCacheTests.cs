using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Registry.Testing;

namespace Registry.Edge.Tests;

/// <summary>
/// The root probe at the edge: every cold client asks for <c>metadata/N+1.root.json</c>, absent
/// until the next rotation. The shipped Varnish and nginx configurations cache that miss for the
/// timestamp's max-age (and no other error), so a spike of cold installs reaches the origin once.
/// </summary>
public sealed class RootProbeCacheTests
{
    private const string Probe = "metadata/2.root.json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("varnish")]
    [InlineData("nginx")]
    public async Task Cold_root_probes_reach_the_origin_once_per_timestamp_max_age_and_a_rotation_shows_after_it(
        string edge)
    {
        await using var origin = await CountingOrigin.StartAsync();
        var state = Path.Combine(Path.GetTempPath(), $"registry-probe-{edge}-{Guid.NewGuid():N}");
        var port = (await InfraScript.RunAsync(
            $"infra/{edge}/start.sh",
            new()
            {
                ["STATE_DIR"] = state,
                ["ORIGIN"] = $"127.0.0.1:{origin.Url.Port}",
                ["TIMESTAMP_MAX_AGE"] = "2",
            })).Trim();
        try
        {
            var edgeUrl = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient();

            // Two cold clients probe at once, a third just after: one request reaches the origin.
            var probes = await Task.WhenAll(
                Enumerable.Range(0, 2).Select(_ => http.GetAsync(new Uri(edgeUrl, Probe), Ct)));
            using var third = await http.GetAsync(new Uri(edgeUrl, Probe), Ct);
            Assert.All(probes.Append(third), r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
            Assert.Equal(1, origin.Count(Probe));
            Assert.Equal("HIT", string.Join(",", third.Headers.GetValues("X-Cache")));
            foreach (var probe in probes)
            {
                probe.Dispose();
            }

            // Any other miss is not cached: a file a later timestamp names must appear at once.
            using (await http.GetAsync(new Uri(edgeUrl, "metadata/7.snapshot.json"), Ct))
            using (await http.GetAsync(new Uri(edgeUrl, "metadata/7.snapshot.json"), Ct))
            {
                Assert.Equal(2, origin.Count("metadata/7.snapshot.json"));
            }

            // A rotation lands at the origin: the edge shows it once the cached miss has expired.
            origin.RootPublished = true;
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            using var after = await http.GetAsync(new Uri(edgeUrl, Probe), Ct);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal(2, origin.Count(Probe));
        }
        finally
        {
            await InfraScript.RunAsync($"infra/{edge}/stop.sh", new() { ["STATE_DIR"] = state });
        }
    }

    /// <summary>An origin that answers the root probe 404 (slowly, so concurrent probes overlap) until a root is
    /// "published", and counts requests per path.</summary>
    private sealed class CountingOrigin : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
        private LoopbackServer _server = null!;

        public Uri Url => _server.Url;

        public bool RootPublished { get; set; }

        public int Count(string key) => _counts.GetValueOrDefault(key);

        public static async Task<CountingOrigin> StartAsync()
        {
            var origin = new CountingOrigin();
            origin._server = await LoopbackServer.StartAsync(async context =>
            {
                var key = context.Request.Path.Value!.TrimStart('/');
                origin._counts.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (key == Probe && origin.RootPublished)
                {
                    context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                    await context.Response.WriteAsync("{}");
                    return;
                }

                await Task.Delay(300);
                context.Response.StatusCode = 404;
            });
            return origin;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
