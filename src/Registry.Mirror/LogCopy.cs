using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Mirror;

/// <summary>
/// The mirror's copy of the transparency log: the tiles, entry bundles and records the new state's
/// checkpoint adds since the mirror's last one (O(new entries) files; full tiles and bundles once, immutable),
/// verified (the state's inclusion proof, the tiles' root, consistency with the mirror's previous
/// checkpoint), then the checkpoint itself, before the mirror's timestamp moves.
/// </summary>
internal static class LogCopy
{
    public static async Task<(int Files, long Bytes)> CopyAsync(
        IObjectReader source,
        IObjectStore destination,
        RegistryState? current,
        RegistryState next,
        Func<string, ObjectHeaders> headers,
        CancellationToken cancellationToken)
    {
        if (next.Root.Signed.Log is not { } rootLog || next.Timestamp.Signed.Log is not { } stamped)
        {
            return (0, 0);
        }

        var files = 0;
        long bytes = 0;
        try
        {
            var snapshot = next.Timestamp.Signed.Meta["snapshot.json"];
            var logged = StateProof.Verify(
                stamped.Checkpoint,
                stamped.Entry,
                stamped.Proof,
                NoteVerifier.Parse(rootLog.Key),
                next.Timestamp.Signed.Version,
                snapshot.Version,
                snapshot.Hashes?["sha256"] ?? "");
            var old = current?.Timestamp.Signed.Log is { } before
                ? Checkpoint.Parse(SignedNote.Parse(Convert.FromBase64String(before.Checkpoint)).Text)
                : null;
            var size = logged.Checkpoint.Size;
            var oldSize = old?.Size ?? 0;

            // A partial the source deleted once its full tile existed is cut from the full one (PartialFallback).
            var fromSource = PartialFallback.Wrap(
                async (key, ct) => (await source.GetOrNullAsync(key, ct).ConfigureAwait(false))?.Content);
            foreach (var key in Keys(size, oldSize))
            {
                if (await destination.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                var content = await fromSource(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new LogException($"{key}: missing at the source");
                await destination.PutIfAbsentAsync(key, content, headers(key), cancellationToken).ConfigureAwait(false);
                files++;
                bytes += content.Length;
            }

            LogFileReader read = async (key, ct) => (await destination.GetOrNullAsync(key, ct).ConfigureAwait(false))?
                .Content;
            var root = await new TileReader(LogFields.Prefix, size, read).RootAsync(cancellationToken)
                .ConfigureAwait(false);
            if (!root.AsSpan().SequenceEqual(logged.Checkpoint.Root))
            {
                throw new LogException($"the copied tiles do not hash to the checkpoint (size {size})");
            }

            if (old is not null)
            {
                await StateProof.CheckConsistencyAsync(
                    LogFields.Prefix,
                    old,
                    logged.Checkpoint,
                    read,
                    cancellationToken).ConfigureAwait(false);
            }

            // The records of the new entries (each checked against its entry), so that the mirror's log is whole.
            for (var bundle = oldSize / TilePath.Width; bundle * TilePath.Width < size; bundle++)
            {
                var entries = await EntryBundle.ReadAsync(
                    LogFields.Prefix,
                    bundle,
                    TilePath.WidthOf(bundle, size),
                    read,
                    cancellationToken).ConfigureAwait(false);
                foreach (var entry in entries.Skip((int)Math.Max(oldSize - (bundle * TilePath.Width), 0)))
                {
                    var key = TilePath.Record(LogFields.Prefix, entry);
                    if (await destination.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    var record = (await source.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false))?.Content
                        ?? throw new LogException($"{key}: missing at the source");
                    await LogEntry.ReadRecordAsync(
                        LogFields.Prefix,
                        entry,
                        (_, _) => Task.FromResult<byte[]?>(record),
                        cancellationToken).ConfigureAwait(false);
                    await destination.PutIfAbsentAsync(key, record, headers(key), cancellationToken)
                        .ConfigureAwait(false);
                    files++;
                    bytes += record.Length;
                }
            }

            var note = Convert.FromBase64String(stamped.Checkpoint);
            var existing = await destination.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken)
                .ConfigureAwait(false);
            await destination.SwapAsync(
                CachePolicy.LogCheckpointKey,
                note,
                existing?.VersionTag,
                headers(CachePolicy.LogCheckpointKey),
                cancellationToken).ConfigureAwait(false);
            return (files + 1, bytes + note.Length);
        }
        catch (LogException e)
        {
            throw new VerificationException(Rules.Log, $"{source.Location}: log: {e.Message}");
        }
    }

    /// <summary>Every tile and bundle a tree of <paramref name="size"/> has that a tree of <paramref name="oldSize"/>
    /// did not (partial ones included).</summary>
    private static IEnumerable<string> Keys(long size, long oldSize)
    {
        for (var level = 0; TilePath.HashesAtLevel(size, level) > 0; level++)
        {
            var count = TilePath.HashesAtLevel(size, level);
            var oldCount = TilePath.HashesAtLevel(oldSize, level);
            for (var tile = oldCount / TilePath.Width; tile * TilePath.Width < count; tile++)
            {
                yield return TilePath.Hash(LogFields.Prefix, level, tile, TilePath.WidthOf(tile, count));
                if (level == 0)
                {
                    yield return TilePath.Entries(LogFields.Prefix, tile, TilePath.WidthOf(tile, count));
                }
            }
        }
    }
}
