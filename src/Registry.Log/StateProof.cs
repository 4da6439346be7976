using System.Text;

namespace Registry.Log;

/// <summary>A registry state tied to the log: the checkpoint it belongs to, and its entry, proven included.</summary>
public sealed record LoggedState(SignedNote Note, Checkpoint Checkpoint, LogEntry Entry);

/// <summary>
/// The checks a reader makes on the log field of a timestamp (docs/protocol.md, "The transparency log"):
/// the checkpoint is signed by the log key the root names, the commit's record (which the timestamp
/// carries) describes exactly this timestamp's state, and the record's SHA-256 is the checkpoint's last
/// leaf entry (its inclusion proof verifies). Then, against a checkpoint
/// trusted earlier, that the new one extends it (<see cref="CheckConsistencyAsync"/>).
/// </summary>
public static class StateProof
{
    // entry: base64 of the commit's record (the timestamp's "entry" field); the leaf entry is its SHA-256.
    public static LoggedState Verify(
        string checkpoint,
        string entry,
        IReadOnlyList<string> proof,
        NoteVerifier log,
        long timestampVersion,
        long snapshotVersion,
        string snapshotSha256)
    {
        var (note, opened) = NoteVerification.OpenCheckpoint(Base64(checkpoint, "checkpoint"), log);
        var entryBytes = Base64(entry, "entry");
        var parsed = LogEntry.Parse(entryBytes);
        if (parsed.TimestampVersion != timestampVersion || parsed.SnapshotVersion != snapshotVersion
            || !string.Equals(parsed.SnapshotSha256, snapshotSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new LogException(
                $"the log entry (timestamp {parsed.TimestampVersion}, snapshot {parsed.SnapshotVersion} "
                + $"{parsed.SnapshotSha256[..12]}) is not this state (timestamp {timestampVersion}, snapshot "
                + $"{snapshotVersion} {snapshotSha256[..Math.Min(12, snapshotSha256.Length)]})");
        }

        var hashes = proof.Select(p => Base64(p, "inclusion proof")).ToList();
        if (opened.Size == 0 || !Merkle.VerifyInclusion(
            Merkle.LeafHash(LogEntry.LeafEntry(entryBytes)),
            opened.Size - 1,
            opened.Size,
            hashes,
            opened.Root))
        {
            throw new LogException($"this state's log entry is not in the log's checkpoint (size {opened.Size}): the "
                + "inclusion proof does not verify");
        }

        return new LoggedState(note, opened, parsed);
    }

    /// <summary>
    /// Requires <paramref name="next"/> to extend <paramref name="trusted"/>: never smaller, and a
    /// consistency proof computed from the log's tiles (read through <paramref name="read"/>) verifies.
    /// A rollback or a fork throws <see cref="LogForkException"/> naming both checkpoints and the proof.
    /// </summary>
    public static async Task<IReadOnlyList<byte[]>> CheckConsistencyAsync(
        string prefix,
        Checkpoint trusted,
        Checkpoint next,
        LogFileReader read,
        CancellationToken cancellationToken)
    {
        if (trusted.Origin != next.Origin)
        {
            throw new LogException(
                $"the checkpoint is of the log '{next.Origin}', the trusted one of '{trusted.Origin}'");
        }

        if (next.Size < trusted.Size)
        {
            throw new LogForkException(Evidence("SECURITY ERROR: the log's checkpoint went back from size "
                + $"{trusted.Size} to {next.Size} (a rolled-back or forked view)", trusted, next, []));
        }

        List<byte[]> proof = [];
        if (next.Size > trusted.Size && trusted.Size > 0)
        {
            proof = await new TileReader(prefix, next.Size, read).ConsistencyProofAsync(trusted.Size, cancellationToken)
                .ConfigureAwait(false);
        }

        if (!Merkle.VerifyConsistency(trusted.Size, next.Size, proof, trusted.Root, next.Root))
        {
            throw new LogForkException(Evidence("SECURITY ERROR: the log's new checkpoint is not consistent with the "
                + "one trusted before (a split view or a rewritten history)", trusted, next, proof));
        }

        return proof;
    }

    private static string Evidence(string what, Checkpoint trusted, Checkpoint next, IReadOnlyList<byte[]> proof)
    {
        var text = new StringBuilder(what).Append("\n\ntrusted checkpoint:\n").Append(trusted.Text)
            .Append("\nnew checkpoint:\n")
            .Append(next.Text)
            .Append("\nconsistency proof (")
            .Append(proof.Count)
            .Append(" hashes):\n");
        foreach (var hash in proof)
        {
            text.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        return text.ToString();
    }

    private static byte[] Base64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new LogException($"the timestamp's log {what} is not base64");
        }
    }
}
