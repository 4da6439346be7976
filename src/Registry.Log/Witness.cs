using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Registry.Log;

/// <summary>A witness's HTTP answer: status, body and its content type.</summary>
public sealed record WitnessAnswer(int Status, string Body, string ContentType = "text/plain; charset=utf-8");

/// <summary>
/// A C2SP tlog-witness: <c>add-checkpoint</c> cosigns a checkpoint of a known log when it is consistent
/// with the latest one this witness cosigned for that log, which it keeps in a folder (one file per
/// origin). The answers the specification requires: 404 unknown origin, 403 no valid log signature,
/// 400 old size above the checkpoint's, 409 (with the size it has, <c>text/x.tlog.size</c>) when the
/// old size is not the one it has, 422 when the proof does not verify. Checking and persisting happen
/// under one lock, so two requests cannot roll the witness back.
/// </summary>
public sealed class Witness(NoteSigner key, IReadOnlyList<NoteVerifier> logs, string folder, TimeProvider time)
{
    public const int MaxBodyBytes = 64 * 1024;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public NoteSigner Key => key;

    public async Task<WitnessAnswer> AddCheckpointAsync(byte[] body, CancellationToken cancellationToken)
    {
        if (body.Length > MaxBodyBytes)
        {
            return new WitnessAnswer(400, "request too large\n");
        }

        long oldSize;
        List<byte[]> proof;
        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            (oldSize, proof, var rest) = ParseRequest(Encoding.UTF8.GetString(body));
            note = SignedNote.Parse(Encoding.UTF8.GetBytes(rest));
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (Exception e) when (e is LogException or FormatException)
        {
            return new WitnessAnswer(400, e.Message + "\n");
        }

        var known = logs.Where(l => l.Name == checkpoint.Origin).ToList();
        if (known.Count == 0)
        {
            return new WitnessAnswer(404, $"unknown log '{checkpoint.Origin}'\n");
        }

        try
        {
            if (note.VerifiedBy(known).Count == 0)
            {
                return new WitnessAnswer(403, "no signature of the log's key\n");
            }
        }
        catch (LogException e)
        {
            return new WitnessAnswer(403, e.Message + "\n");
        }

        if (oldSize > checkpoint.Size)
        {
            return new WitnessAnswer(400, $"old size {oldSize} is above the checkpoint's size {checkpoint.Size}\n");
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var latest = Latest(checkpoint.Origin);
            var latestSize = latest?.Size ?? 0;
            if (oldSize != latestSize)
            {
                return new WitnessAnswer(
                    409,
                    latestSize.ToString(CultureInfo.InvariantCulture) + "\n",
                    "text/x.tlog.size");
            }

            if (checkpoint.Size == 0 && !checkpoint.Root.AsSpan().SequenceEqual(Merkle.EmptyRoot()))
            {
                return new WitnessAnswer(422, "a checkpoint of size 0 must have the empty tree's root\n");
            }

            var consistent = latest is null
                ? proof.Count == 0
                : Merkle.VerifyConsistency(latest.Size, checkpoint.Size, proof, latest.Root, checkpoint.Root);
            if (!consistent)
            {
                return new WitnessAnswer(422, $"the checkpoint (size {checkpoint.Size}) is not consistent with the one "
                    + $"cosigned before (size {latestSize})\n");
            }

            var path = PathOf(checkpoint.Origin);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, note.ToBytes(), cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            return new WitnessAnswer(200, key.Sign(checkpoint.Text, time.GetUtcNow()).Line);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The latest checkpoint this witness cosigned for <paramref name="origin"/>, or null.</summary>
    public Checkpoint? Latest(string origin)
    {
        var path = PathOf(origin);
        return File.Exists(path) ? Checkpoint.Parse(SignedNote.Parse(File.ReadAllBytes(path)).Text) : null;
    }

    private string PathOf(string origin)
    {
        Directory.CreateDirectory(folder);
        return Path.Combine(
            folder,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin))) + ".checkpoint");
    }

    /// <summary>The body of add-checkpoint: <c>old N</c>, proof lines, an empty line, then the checkpoint
    /// note.</summary>
    public static string FormatRequest(long oldSize, IEnumerable<byte[]> proof, SignedNote note) =>
        "old " + oldSize.ToString(CultureInfo.InvariantCulture) + "\n"
            + string.Concat(proof.Select(p => Convert.ToBase64String(p) + "\n"))
            + "\n"
            + note.Format();

    private static (long OldSize, List<byte[]> Proof, string Note) ParseRequest(string body)
    {
        var end = body.IndexOf("\n\n", StringComparison.Ordinal);
        if (end < 0)
        {
            throw new LogException("the request is 'old N', proof lines, an empty line and the checkpoint");
        }

        var lines = body[..end].Split('\n');
        if (!lines[0].StartsWith("old ", StringComparison.Ordinal)
            || !long.TryParse(lines[0][4..], NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize))
        {
            throw new LogException("the first line must be 'old N'");
        }

        if (lines.Length - 1 > 63)
        {
            throw new LogException("more than 63 proof lines");
        }

        var proof = lines[1..].Select(Convert.FromBase64String).ToList();
        return (oldSize, proof, body[(end + 2)..]);
    }
}
