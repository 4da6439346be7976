using System.Collections.Concurrent;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// <c>verify</c>'s checks of the transparency log: the current timestamp's entry and inclusion proof,
/// the stored checkpoint's signature and its consistency with the timestamp's, and the whole log:
/// every tile hashes to the checkpoint and every entry bundle to its tile, every entry's record is
/// there, hashes to its entry and parses.
/// </summary>
internal static class LogAudit
{
    public static async Task CheckAsync(
        IObjectReader reader,
        RegistryState state,
        ConcurrentBag<string> errors,
        CancellationToken cancellationToken)
    {
        var rootLog = state.Root.Signed.Log;
        var stamped = state.Timestamp.Signed.Log;
        if (rootLog is null)
        {
            if (stamped is not null)
            {
                errors.Add("log: the timestamp names a log checkpoint but the root names no log");
            }

            return;
        }

        if (stamped is null)
        {
            errors.Add($"log: the root names the log '{rootLog.Origin}' but the timestamp carries no checkpoint");
            return;
        }

        try
        {
            var verifier = NoteVerifier.Parse(rootLog.Key);
            var snapshot = state.Timestamp.Signed.Meta["snapshot.json"];
            var logged = StateProof.Verify(
                stamped.Checkpoint,
                stamped.Entry,
                stamped.Proof,
                verifier,
                state.Timestamp.Signed.Version,
                snapshot.Version,
                snapshot.Hashes!["sha256"]);
            var stored = await reader.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken)
                .ConfigureAwait(false)
                ?? throw new LogException($"{CachePolicy.LogCheckpointKey} is missing");
            var (_, latest) = NoteVerification.OpenCheckpoint(stored.Content, verifier);
            LogFileReader read = (key, ct) => LogCommitter.ReadBytesAsync(reader, key, ct);
            await StateProof.CheckConsistencyAsync(LogFields.Prefix, logged.Checkpoint, latest, read, cancellationToken)
                .ConfigureAwait(false);
            await CheckEntriesAsync(latest, read, errors, cancellationToken).ConfigureAwait(false);
        }
        catch (LogException e)
        {
            errors.Add("log: " + e.Message);
        }
    }

    private static async Task CheckEntriesAsync(
        Checkpoint checkpoint,
        LogFileReader read,
        ConcurrentBag<string> errors,
        CancellationToken cancellationToken)
    {
        var tree = new TileReader(LogFields.Prefix, checkpoint.Size, read);
        var root = await tree.RootAsync(cancellationToken).ConfigureAwait(false);
        if (!root.AsSpan().SequenceEqual(checkpoint.Root))
        {
            throw new LogException($"the tiles do not hash to the checkpoint's root (size {checkpoint.Size})");
        }

        for (long bundle = 0; bundle * TilePath.Width < checkpoint.Size; bundle++)
        {
            var width = TilePath.WidthOf(bundle, checkpoint.Size);
            var key = TilePath.Entries(LogFields.Prefix, bundle, width);
            var bytes = await read(key, cancellationToken).ConfigureAwait(false)
                ?? throw new LogException($"{key}: missing");
            var entries = EntryBundle.Decode(bytes);
            if (entries.Count != width)
            {
                throw new LogException($"{key}: {entries.Count} entries, its name says {width}");
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var index = (bundle * TilePath.Width) + i;
                var leaf = await tree.LeafHashAsync(index, cancellationToken).ConfigureAwait(false);
                if (!Merkle.LeafHash(entries[i]).AsSpan().SequenceEqual(leaf))
                {
                    errors.Add($"log: entry {index} in {key} does not hash to its leaf in the tiles");
                }
            }

            // Every entry's record: there, hashing to the entry, parsing (read a bundle's worth at once).
            await Task.WhenAll(entries.Select(async (entry, i) =>
            {
                try
                {
                    await LogEntry.ReadRecordAsync(LogFields.Prefix, entry, read, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (LogException e)
                {
                    errors.Add($"log: entry {(bundle * TilePath.Width) + i}: {e.Message}");
                }
            })).ConfigureAwait(false);
        }
    }
}
