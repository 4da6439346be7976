namespace Registry.Core.Packages.Internal;

/// <summary>
/// A read-only pass-through that counts every byte the decompressor produces and stops the read
/// once <paramref name="cap"/> is passed. Tar headers, PAX records and padding count too, so no
/// header, truthful or not, can make the reader decompress more than the cap.
/// </summary>
internal sealed class CappedReadStream(Stream inner, long cap, Func<ValidationException> onCapPassed) : Stream
{
    public long BytesRead { get; private set; }

    /// <summary>CRC-32 of every byte read so far, for <see cref="GzipTrailer"/>.</summary>
    public uint Crc32 { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Never ask for more than one byte past the cap: a single huge read cannot overshoot it.
        var room = cap - BytesRead + 1;
        var read = inner.Read(room < buffer.Length ? buffer[..(int)room] : buffer);
        BytesRead += read;
        Crc32 = GzipTrailer.Crc32(Crc32, buffer[..read]);
        if (BytesRead > cap)
        {
            throw onCapPassed();
        }

        return read;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
