using System.Security.Cryptography;

namespace Registry.Store.S3.Internal;

/// <summary>
/// The body of one create-only or swap PUT, made replayable for retries and hashed (MD5, so that a
/// retried write whose first attempt did land can recognise its own ETag). Small bodies are held in
/// memory; large seekable streams are hashed in one pass and rewound; large non-seekable streams are
/// spooled to a temporary file. A large body is never held in memory.
/// </summary>
internal sealed class UploadBody : IAsyncDisposable
{
    private const int CopyBufferSize = 81920;
    private readonly Stream _stream;
    private readonly long _start;
    private readonly bool _owned;

    private UploadBody(Stream stream, long start, bool owned, byte[] md5, long length)
    {
        _stream = stream;
        _start = start;
        _owned = owned;
        Md5 = md5;
        Length = length;
    }

    public byte[] Md5 { get; }

    public long Length { get; }

    public string ExpectedETag => ETag.OfSinglePut(Md5);

    public static UploadBody FromBytes(ReadOnlyMemory<byte> content)
    {
        var bytes = content.ToArray();
        return new UploadBody(
            new MemoryStream(bytes, writable: false),
            0,
            owned: true,
            MD5.HashData(bytes),
            bytes.Length);
    }

    public static async Task<UploadBody> PrepareAsync(
        Stream content,
        long length,
        long memoryLimit,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= memoryLimit)
        {
            var bytes = new byte[length];
            await content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            await EnsureEndAsync(content, cancellationToken).ConfigureAwait(false);
            return FromBytes(bytes);
        }

        if (content.CanSeek)
        {
            var start = content.Position;
            if (content.Length - start != length)
            {
                throw new ArgumentException(
                    $"The stream holds {content.Length - start} bytes, not the {length} announced.",
                    nameof(length));
            }

            var md5 = await HashAsync(content, length, copyTo: null, cancellationToken).ConfigureAwait(false);
            return new UploadBody(content, start, owned: false, md5, length);
        }

        var path = Path.Combine(Path.GetTempPath(), $"registry-s3-{Guid.NewGuid():N}.part");
        var file = new FileStream(
            path,
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            CopyBufferSize,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var md5 = await HashAsync(content, length, file, cancellationToken).ConfigureAwait(false);
            await EnsureEndAsync(content, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new UploadBody(file, 0, owned: true, md5, length);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The body positioned at its start, for one attempt.</summary>
    public Stream Rewind()
    {
        _stream.Position = _start;
        return _stream;
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<byte[]> HashAsync(
        Stream source,
        long length,
        Stream? copyTo,
        CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[CopyBufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken)
                .ConfigureAwait(false);
            if (read == 0)
            {
                throw new ArgumentException(
                    $"The stream ended {left} bytes before the {length} announced.",
                    nameof(length));
            }

            md5.AppendData(buffer, 0, read);
            if (copyTo is not null)
            {
                await copyTo.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            left -= read;
        }

        return md5.GetHashAndReset();
    }

    private static async Task EnsureEndAsync(Stream content, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await content.ReadAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new ArgumentException("The stream holds more bytes than the length announced.", nameof(content));
        }
    }
}
