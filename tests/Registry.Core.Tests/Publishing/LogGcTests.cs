using System.Security.Cryptography;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Log;
using Registry.Testing;

namespace Registry.Core.Tests.Publishing;

/// <summary>
/// The log's entry format (the leaf entry is the SHA-256 of the commit's record, a file of its own) and
/// what gc may delete of the log: only partial tiles and bundles a committed full one supersedes.
/// </summary>
public sealed class LogGcTests : LogTests
{
    private async Task<(FolderStore Store, RegistryWriter Writer)> InitAsync()
    {
        var store = new FolderStore(Site);
        return (store, new RegistryWriter(store, await InitAsync(store), Clock));
    }

    private HashSet<string> LogFiles() =>
        Directory.EnumerateFiles(Path.Combine(Site, "log"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Site, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public async Task Each_entry_is_its_records_sha256_and_verify_checks_the_record()
    {
        var (store, writer) = await InitAsync();
        await writer.PublishAsync([WriterTests.Package("alpha", "1.0.0")], new PublishOptions(), Ct);

        var entries = EntryBundle.Decode(File.ReadAllBytes(Path.Combine(Site, "log", "tile", "entries", "000.p", "2")));
        Assert.All(entries, e => Assert.Equal(32, e.Length));
        var record = Path.Combine(Site, "log", "record", Convert.ToHexStringLower(entries[1]));
        Assert.Equal(entries[1], SHA256.HashData(File.ReadAllBytes(record)));
        Assert.Equal(["alpha"], LogEntry.Parse(File.ReadAllBytes(record)).Packages.Select(p => p.Name));
        Assert.Equal(
            "text/plain; charset=utf-8",
            CachePolicy.ContentTypeOf("log/record/" + Convert.ToHexStringLower(entries[1])));
        Assert.True((await new RegistryAuditor(store, Clock).AuditAsync(Ct)).Ok);

        File.AppendAllText(record, "package evil 0000\n");
        var report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.Contains(report.Errors, e => e.Contains("entry 1:", StringComparison.Ordinal)
            && e.Contains("does not hash to its log entry", StringComparison.Ordinal));
        File.Delete(record);
        report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.Contains(
            report.Errors,
            e => e.Contains("missing (the record of a log entry)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gc_deletes_only_partials_a_committed_full_tile_supersedes_and_readers_still_verify()
    {
        var (store, writer) = await InitAsync();
        for (var i = 0; i < 259; i++)
        {
            await writer.RefreshAsync(Ct);
        }

        // Size 260: full level-0 tile and bundle 0, partials 001.p/4, and the level-1 partial 000.p/1.
        // A dead writer's full tile 1 (never committed) must not make gc delete the current partial 001.p/4.
        await store.PutIfAbsentAsync("log/tile/0/001", new byte[8192], new CachePolicy().For("log/tile/0/001"), Ct);
        TestClock.BackdateFiles(Site, Clock.GetUtcNow().AddDays(-30));
        var before = LogFiles();
        Assert.Contains("log/tile/0/000.p/255", before);

        var fresh = await Clock.RunAsync(
            () => new RegistryCollector(store, Clock).CollectAsync(TimeSpan.FromDays(60), dryRun: false, Ct),
            TimeSpan.FromSeconds(1),
            cancellationToken: Ct);
        Assert.DoesNotContain(fresh.Deleted, k => k.StartsWith("log/", StringComparison.Ordinal));

        var result = await Clock.RunAsync(
            () => new RegistryCollector(store, Clock).CollectAsync(TimeSpan.FromDays(7), dryRun: false, Ct),
            TimeSpan.FromSeconds(1),
            cancellationToken: Ct);
        var deleted = result.Deleted.Where(k => k.StartsWith("log/", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var expected = before.Where(k => k.StartsWith("log/tile/0/000.p/", StringComparison.Ordinal)
            || k.StartsWith("log/tile/entries/000.p/", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(510, expected.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), deleted.Order(StringComparer.Ordinal));
        var after = LogFiles();
        Assert.Subset(after, new HashSet<string>(StringComparer.Ordinal) {
            "log/checkpoint",
            "log/tile/0/000",
            "log/tile/entries/000",
            "log/tile/0/001.p/4",
            "log/tile/entries/001.p/4",
            "log/tile/1/000.p/1" });
        Assert.Equal(260, after.Count(k => k.StartsWith("log/record/", StringComparison.Ordinal)));

        var report = await new RegistryAuditor(store, Clock).AuditAsync(Ct);
        Assert.True(report.Ok, string.Join("; ", report.Errors));

        // A reader still holding the checkpoint of size 100 reads its partials from the full tile and bundle.
        LogFileReader read = async (key, ct) => (await store.GetOrNullAsync(key, ct))?.Content;
        var old = new TileReader("log/", 100, read);
        var proof = await old.ConsistencyProofAsync(40, Ct);
        Assert.NotEmpty(proof);
        Assert.Equal(100, (await EntryBundle.ReadAsync("log/", 0, 100, read, Ct)).Count);
    }
}
