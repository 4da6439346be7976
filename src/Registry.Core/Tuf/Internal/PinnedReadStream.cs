using System.Security.Cryptography;

namespace Registry.Core.Tuf.Internal;

/// <summary>
/// A read-only pass-through that holds a file to its pin (length and sha256 from verified
/// metadata) while it streams: it never reads more than one byte past the pinned length, and
/// the read that would hand over the last pinned byte first makes sure nothing follows and the
/// sha256 matches, throwing <see cref="VerificationException"/> otherwise. So a consumer that
/// reads exactly the pinned length (an S3 upload of a known length) or up to the end (a copy)
/// never receives the whole of a file that is not the pinned one: a create-only write of this
/// stream fails, and leaves nothing, unless the bytes are verified.
/// </summary>
internal sealed class PinnedReadStream(Stream inner, long length, string sha256, string source) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified || buffer.Length == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..Window(buffer.Length)], cancellationToken).ConfigureAwait(false);
        if (Take(buffer.Span[..read]))
        {
            var probe = new byte[1];
            Finish(await inner.ReadAsync(probe, cancellationToken).ConfigureAwait(false));
        }

        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_verified || buffer.Length == 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..Window(buffer.Length)]);
        if (Take(buffer[..read]))
        {
            Span<byte> probe = stackalloc byte[1];
            Finish(inner.Read(probe));
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>At most one byte past the pin: enough to see a longer file, never a long read of one.</summary>
    private int Window(int wanted) => (int)Math.Min(wanted, length - _read + 1);

    /// <summary>Counts and hashes a read; true when it completed the pinned length (then <see cref="Finish"/> must run
    /// before it is handed over).</summary>
    private bool Take(ReadOnlySpan<byte> read)
    {
        _read += read.Length;
        if (_read > length)
        {
            throw TooLong();
        }

        if (read.Length == 0 && _read < length)
        {
            Hashing.VerifyLength(_read, length, source);
        }

        _hash.AppendData(read);
        return _read == length;
    }

    /// <summary>All pinned bytes are in: the file must end here (<paramref name="probed"/> bytes follow) and hash to
    /// the pin.</summary>
    private void Finish(int probed)
    {
        if (probed > 0)
        {
            throw TooLong();
        }

        Hashing.VerifyDigest(length, Convert.ToHexStringLower(_hash.GetHashAndReset()), length, sha256, source);
        _verified = true;
    }

    private VerificationException TooLong() =>
        new($"{source}: length or sha256 differs from the signed metadata (more than the {length} bytes it pins: "
            + "padded or tampered)");
}
