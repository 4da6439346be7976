using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Appends a commit's entry to the registry's transparency log, before the timestamp swap
/// (docs/protocol.md, "The transparency log"): the right-edge tiles and entry bundle create-only,
/// then the checkpoint by compare-and-swap on the tag read here. The log commits first, so a state
/// is never current without its entry; a timestamp swap that then loses leaves an entry for a state
/// that never became current (harmless: the log is a superset of the states served). Two racing
/// writers collide on the right-edge files or on the checkpoint, and one of them starts over.
/// </summary>
internal sealed class LogCommitter(
    IObjectStore store,
    NoteSigner key,
    RootLog log,
    CachePolicy policy,
    TimeProvider time,
    TimeSpan lease,
    IReadOnlyList<WitnessEndpoint>? witnesses = null)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Witnesses that did not cosign (unreachable, refused), for the command to warn about.</summary>
    public List<string> WitnessProblems { get; } = [];

    public int Files { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>The timestamp's log field for <paramref name="entry"/>, or null when another writer moved the log
    /// first.</summary>
    public async Task<TimestampLog?> AppendAsync(LogEntry entry, CancellationToken cancellationToken)
    {
        var verifier = NoteVerifier.Parse(log.Key);
        if (verifier.KeyId != key.Verifier.KeyId || key.Name != log.Origin)
        {
            throw new EnvironmentException($"the log key in the keys folder ({key.Verifier.Encoded}) is not the one "
                + $"the root names for the log '{log.Origin}' ({log.Key})");
        }

        var current = await store.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken).ConfigureAwait(false);
        long size = 0;
        byte[]? oldRoot = null;
        if (current is not null)
        {
            var (_, checkpoint) = NoteVerification.OpenCheckpoint(current.Content, verifier);
            size = checkpoint.Size;
            oldRoot = checkpoint.Root;
        }

        // The record first (content-addressed, create-only): a leaf entry never names a record that is not there.
        var bytes = entry.ToBytes();
        var leaf = LogEntry.LeafEntry(bytes);
        await PutRecordAsync(new LogFile(TilePath.Record(LogFields.Prefix, leaf), bytes), cancellationToken)
            .ConfigureAwait(false);
        var append = await LogAppender.AppendAsync(LogFields.Prefix, size, [leaf], ReadAsync, cancellationToken)
            .ConfigureAwait(false);
        if (oldRoot is not null)
        {
            // The right edge this append read must be the committed tree's: a leftover at a committed
            // path would otherwise extend a tree nobody signed.
            var old = await new TileReader(LogFields.Prefix, size, ReadAsync).RootAsync(cancellationToken)
                .ConfigureAwait(false);
            if (!old.AsSpan().SequenceEqual(oldRoot))
            {
                throw new VerificationException($"{store.Location}: the log's tiles do not hash to its checkpoint "
                    + $"(size {size}); run 'registry verify'");
            }
        }

        foreach (var file in append.Files)
        {
            if (!await PutAsync(file, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        var proof = await new TileReader(LogFields.Prefix, append.Size, (k, ct) => ReadAppendedAsync(append, k, ct))
            .InclusionProofAsync(append.Size - 1, cancellationToken)
            .ConfigureAwait(false);
        var next = new Checkpoint(log.Origin, append.Size, append.Root);
        var note = new SignedNote(next.Text, [key.Sign(next.Text, time.GetUtcNow())]);
        var noteBytes = note.ToBytes();
        if (await store.SwapAsync(
            CachePolicy.LogCheckpointKey,
            noteBytes,
            current?.VersionTag,
            policy.For(CachePolicy.LogCheckpointKey),
            cancellationToken).ConfigureAwait(false) == SwapResult.Conflict)
        {
            return null;
        }

        Files++;
        Bytes += noteBytes.Length;
        if (witnesses is { Count: > 0 })
        {
            // Only a committed checkpoint goes to the witnesses: one that lost the swap would be a fork to them.
            note = await CosignAsync(note, size, append, cancellationToken).ConfigureAwait(false);
            noteBytes = note.ToBytes();
        }

        return new TimestampLog(
            Convert.ToBase64String(noteBytes),
            Convert.ToBase64String(bytes),
            [.. proof.Select(Convert.ToBase64String)]);
    }

    private async Task<SignedNote> CosignAsync(
        SignedNote note,
        long oldSize,
        LogAppend append,
        CancellationToken cancellationToken)
    {
        var tree = new TileReader(LogFields.Prefix, append.Size, (k, ct) => ReadAppendedAsync(append, k, ct));
        var answers = await Task.WhenAll(witnesses!.Select(w => WitnessClient.CosignAsync(
            Http,
            w,
            note,
            oldSize,
            (m, ct) => tree.ConsistencyProofAsync(m, ct),
            cancellationToken))).ConfigureAwait(false);
        WitnessProblems.AddRange(answers.Where(a => a.Problem is not null).Select(a => a.Problem!));
        var cosignatures = answers.Where(a => a.Cosignature is not null).Select(a => a.Cosignature!).ToList();
        if (cosignatures.Count == 0)
        {
            return note;
        }

        var cosigned = note.WithSignatures(cosignatures);
        var bytes = cosigned.ToBytes();

        // Store the cosignatures with the checkpoint unless another writer has moved the log on meanwhile.
        var current = await store.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Content.AsSpan().SequenceEqual(note.ToBytes()))
        {
            await store.SwapAsync(
                CachePolicy.LogCheckpointKey,
                bytes,
                current.VersionTag,
                policy.For(CachePolicy.LogCheckpointKey),
                cancellationToken).ConfigureAwait(false);
            Bytes += bytes.Length;
        }

        return cosigned;
    }

    /// <summary>Creates a commit's record; one already there must be the same bytes (its name is their hash).</summary>
    private async Task PutRecordAsync(LogFile record, CancellationToken cancellationToken)
    {
        if (await store.PutIfAbsentAsync(record.Key, record.Content, policy.For(record.Key), cancellationToken)
            .ConfigureAwait(false) == PutResult.Created)
        {
            Files++;
            Bytes += record.Content.Length;
            return;
        }

        var existing = await store.GetOrNullAsync(record.Key, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !existing.Content.AsSpan().SequenceEqual(record.Content))
        {
            throw new VerificationException(
                $"{store.Location}: {record.Key} is not the record its name hashes (tampered); run 'registry verify'");
        }
    }

    /// <summary>
    /// Creates a right-edge file. The same bytes already there are a retry's (fine); other bytes
    /// are a racing writer's or a killed one's: this writer waits until the file is as old as the
    /// lease (by the store's own clock); if the checkpoint moved meanwhile, a live writer committed
    /// (start over), else the file is a dead writer's leftover and is taken over by a swap on exactly it.
    /// </summary>
    private async Task<bool> PutAsync(LogFile file, CancellationToken cancellationToken)
    {
        if (await store.PutIfAbsentAsync(file.Key, file.Content, policy.For(file.Key), cancellationToken)
            .ConfigureAwait(false) == PutResult.Created)
        {
            Files++;
            Bytes += file.Content.Length;
            return true;
        }

        var existing = await store.GetOrNullAsync(file.Key, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.Content.AsSpan().SequenceEqual(file.Content))
        {
            return existing is not null;
        }

        // A live writer swaps its checkpoint within the lease; a leftover still unreferenced after it is a dead one's.
        var age = await AgeAsync(file.Key, cancellationToken).ConfigureAwait(false);
        if (age is null)
        {
            return false;
        }

        if (age < lease)
        {
            var checkpoint = await store.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken)
                .ConfigureAwait(false);
            await Task.Delay(lease - age.Value, cancellationToken).ConfigureAwait(false);
            var after = await store.GetOrNullAsync(CachePolicy.LogCheckpointKey, cancellationToken)
                .ConfigureAwait(false);
            if (after?.VersionTag != checkpoint?.VersionTag)
            {
                return false;
            }
        }

        var swapped = await store.SwapAsync(
            file.Key,
            file.Content,
            existing.VersionTag,
            policy.For(file.Key),
            cancellationToken).ConfigureAwait(false) == SwapResult.Swapped;
        if (swapped)
        {
            Files++;
            Bytes += file.Content.Length;
        }

        return swapped;
    }

    /// <summary>How long ago <paramref name="key"/> was written, by the store's clock (null: gone meanwhile).</summary>
    private async Task<TimeSpan?> AgeAsync(string key, CancellationToken cancellationToken)
    {
        DateTimeOffset? written = null;
        await foreach (var item in store.ListAsync(key, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key == key)
            {
                written = item.LastModified;
            }
        }

        // "Now" by the store's clock: a probe file's modification time (the process clock may be shifted).
        var probe = LogFields.Prefix + ".lease-probe-" + Guid.NewGuid().ToString("N");
        await store.PutIfAbsentAsync(probe, new byte[] { 0 }, policy.For(probe), cancellationToken)
            .ConfigureAwait(false);
        DateTimeOffset? now = null;
        await foreach (var item in store.ListAsync(probe, cancellationToken).ConfigureAwait(false))
        {
            now = item.LastModified;
        }

        await store.DeleteAsync(probe, cancellationToken).ConfigureAwait(false);
        return written is { } w && now is { } n ? (n - w < TimeSpan.Zero ? TimeSpan.Zero : n - w) : null;
    }

    private Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
        => ReadBytesAsync(store, key, cancellationToken);

    private Task<byte[]?> ReadAppendedAsync(LogAppend append, string key, CancellationToken cancellationToken) =>
        append.Files.FirstOrDefault(f => f.Key == key) is { } file
            ? Task.FromResult<byte[]?>(file.Content)
            : ReadAsync(key, cancellationToken);

    internal static async Task<byte[]?> ReadBytesAsync(
        IObjectReader reader,
        string key,
        CancellationToken cancellationToken) =>
        (await reader.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false))?.Content;
}
