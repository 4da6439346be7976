using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Client;

/// <summary>One log entry that names a watched package.</summary>
public sealed record WatchedChange(
    long Index,
    string Package,
    string IndexSha256,
    long TimestampVersion,
    long SnapshotVersion);

/// <summary>What a watch read: the checkpoint it verified against, and the changes to the watched packages.</summary>
public sealed record WatchResult(long From, long Size, string RootHash, IReadOnlyList<WatchedChange> Changes);

/// <summary>
/// <c>registry log watch</c>: for package owners and monitors. After the client's update (which verifies
/// the state, its checkpoint and its consistency with the last one trusted), reads the log's entries from
/// <c>since</c> to the checkpoint's size and checks every one against the tiles that hash to the verified
/// checkpoint and fetches its record (which must hash to it); then lists each entry that changed a
/// watched package. Any entry that does not verify
/// is a <see cref="VerificationException"/>.
/// </summary>
public sealed class LogWatcher(RegistryHome home, SourceConfig source, HttpPolicy? policy = null)
{
    public async Task<WatchResult> WatchAsync(
        RegistryClient client,
        IReadOnlyCollection<string> names,
        long since,
        CancellationToken cancellationToken)
    {
        await client.UpdateAsync(offline: false, cancellationToken).ConfigureAwait(false);
        var trusted = new FolderStore(home.SourcePath(source.Name));
        var timestampBytes = (await trusted.GetOrNullAsync(RegistryLayout.TimestampKey, cancellationToken)
            .ConfigureAwait(false))?.Content
            ?? throw new RegistryException($"source '{source.Name}': no trusted state");
        var timestamp = SignedDocument<TimestampMetadata>.Parse(
            timestampBytes,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            RegistryLayout.TimestampKey).Signed;
        var stamped = timestamp.Log
            ?? throw new RegistryException($"source '{source.Name}': the registry keeps no transparency log");
        var checkpoint = Checkpoint.Parse(SignedNote.Parse(Convert.FromBase64String(stamped.Checkpoint)).Text);
        var wanted = names.Select(Core.Packages.PackageName.Normalize).ToHashSet(StringComparer.Ordinal);

        using var reader = new HttpObjectReader(source.Url, policy: policy);
        LogFileReader read = async (key, ct) => (await reader.GetOrNullAsync(key, ct).ConfigureAwait(false))?.Content;
        var tree = new TileReader(LogFields.Prefix, checkpoint.Size, read);
        var changes = new List<WatchedChange>();
        try
        {
            var root = await tree.RootAsync(cancellationToken).ConfigureAwait(false);
            if (!root.AsSpan().SequenceEqual(checkpoint.Root))
            {
                throw new LogException(
                    $"the log's tiles do not hash to the verified checkpoint (size {checkpoint.Size})");
            }

            var start = Math.Clamp(since, 0, checkpoint.Size);
            for (var bundle = start / TilePath.Width; bundle * TilePath.Width < checkpoint.Size; bundle++)
            {
                var entries = await EntryBundle.ReadAsync(
                    LogFields.Prefix,
                    bundle,
                    TilePath.WidthOf(bundle, checkpoint.Size),
                    read,
                    cancellationToken).ConfigureAwait(false);
                var first = Math.Max(start - (bundle * TilePath.Width), 0);
                for (var i = first; i < entries.Count; i++)
                {
                    var index = (bundle * TilePath.Width) + i;
                    var leaf = await tree.LeafHashAsync(index, cancellationToken).ConfigureAwait(false);
                    if (!Merkle.LeafHash(entries[(int)i]).AsSpan().SequenceEqual(leaf))
                    {
                        throw new LogException($"entry {index} is not the one the checkpoint commits to");
                    }
                }

                // Each entry is its record's SHA-256: fetch the records (immutable, one request each) and check them.
                var records = await Task.WhenAll(entries.Skip((int)first).Select(
                    e => LogEntry.ReadRecordAsync(LogFields.Prefix, e, read, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < records.Length; i++)
                {
                    var entry = records[i];
                    var index = (bundle * TilePath.Width) + first + i;
                    changes.AddRange(entry.Packages.Where(p => wanted.Contains(p.Name)).Select(p => new WatchedChange(
                        index,
                        p.Name,
                        p.IndexSha256,
                        entry.TimestampVersion,
                        entry.SnapshotVersion)));
                }
            }

            return new WatchResult(start, checkpoint.Size, checkpoint.RootBase64, changes);
        }
        catch (LogException e)
        {
            throw new VerificationException(Rules.Log, $"{source.Url}: log: {e.Message}");
        }
    }
}
