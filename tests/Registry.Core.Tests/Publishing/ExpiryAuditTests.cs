using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Publishing;

/// <summary>Expired bins are one audit finding with a count and the runs of bins it covers.</summary>
public sealed class ExpiryAuditTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-expiry-audit-tests",
        Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Bins_a_publish_renewed_split_the_expired_bins_into_runs()
    {
        var store = new FolderStore(Path.Combine(_root, "site"));
        using var keys = KeyRing.Load(Path.Combine(_root, "keys"));
        var clock = TestClock.Fixed(Now); // one clock, moved: init, a publish 300 days on, the audit after a year
        await new RegistryInitializer(store, keys, clock).InitAsync(new InitOptions { Bins = 16 }, Ct);
        clock.Advance(TimeSpan.FromDays(300));
        await new RegistryWriter(store, keys, clock).PublishAsync(
            [WriterTests.Package("alpha", "1.0.0")],
            new PublishOptions(),
            Ct);
        var renewed = new HashBins(4, "bin").BinFor("index/alpha.json");

        clock.Advance(TimeSpan.FromDays(66));
        var audit = await new RegistryAuditor(store, clock).AuditAsync(Ct);

        var bins = Assert.Single(audit.Errors, e => e.StartsWith("bins:", StringComparison.Ordinal));
        var others = new HashBins(4, "bin").AllNames().Where(b => b != renewed).ToList();
        Assert.StartsWith(
            $"bins: 15 of 16 expired at {Now.AddDays(365):yyyy-MM-ddTHH:mm:ssZ} (",
            bins,
            StringComparison.Ordinal);
        Assert.EndsWith("); run 'registry refresh' with the targets key", bins, StringComparison.Ordinal);
        Assert.DoesNotContain(renewed, bins, StringComparison.Ordinal);
        Assert.Contains(others[0], bins, StringComparison.Ordinal);
        Assert.Contains(others[^1], bins, StringComparison.Ordinal);
        Assert.DoesNotContain(audit.Errors, e => e.StartsWith("bin-", StringComparison.Ordinal));
    }
}
