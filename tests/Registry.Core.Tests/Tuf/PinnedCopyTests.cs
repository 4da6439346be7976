using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Tests.Tuf;

/// <summary>
/// <see cref="PinnedContent.CopyPinnedAsync"/>: a pinned file streams into a create-only write
/// that completes only when the bytes are the pinned ones; anything else is refused with the
/// pin rule's message and leaves no file at the destination (no temporary either; the folder
/// store may leave the empty folders it made), also for a store that reads exactly the announced
/// length (as the S3 store does) instead of reading to the end.
/// </summary>
public sealed class PinnedCopyTests : IDisposable
{
    private const string Key = "targets/packages/alpha/1.0.0/alpha-1.0.0.tgz";
    private static readonly byte[] Pinned = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string PinnedSha256 = Hashing.Sha256Hex(Pinned);
    private readonly string _root = Path.Combine(
        Path.GetTempPath(),
        "registry-pinned-copy-tests",
        Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<FolderStore> SourceWithAsync(byte[] content)
    {
        var source = new FolderStore(Path.Combine(_root, "source"));
        await source.PutIfAbsentAsync(
            Key,
            content,
            new ObjectHeaders("application/octet-stream", CachePolicy.Immutable),
            Ct);
        return source;
    }

    private FolderStore Destination()
    {
        var destination = new FolderStore(Path.Combine(_root, "destination"));
        Directory.CreateDirectory(destination.Root);
        return destination;
    }

    [Fact]
    public async Task The_pinned_bytes_are_copied_whole()
    {
        using var source = await SourceWithAsync(Pinned);
        using var destination = Destination();

        var result = await source.CopyPinnedAsync(
            Key,
            Pinned.Length,
            PinnedSha256,
            destination,
            new ObjectHeaders("application/octet-stream", CachePolicy.Immutable),
            "src/" + Key,
            Ct);

        Assert.Equal(PutResult.Created, result);
        Assert.Equal(Pinned, File.ReadAllBytes(Path.Combine(destination.Root, Key)));
    }

    public static TheoryData<string, string> Wrong() => new()
    {
        { "tampered", "(the sha256 does not match: tampered or corrupt)" },
        { "truncated", $"({Pinned.Length - 1000} bytes, it pins {Pinned.Length}: truncated, padded or tampered)" },
        { "padded", $"(more than the {Pinned.Length} bytes it pins: padded or tampered)" },
        { "empty", $"(0 bytes, it pins {Pinned.Length}: truncated, padded or tampered)" },
    };

    [Theory]
    [MemberData(nameof(Wrong))]
    public async Task Other_bytes_are_refused_and_leave_no_file_at_the_destination(string how, string why)
    {
        using var source = await SourceWithAsync(Alter(how));
        using var destination = Destination();

        var refused = await Assert.ThrowsAsync<VerificationException>(() =>
            source.CopyPinnedAsync(
                Key,
                Pinned.Length,
                PinnedSha256,
                destination,
                new ObjectHeaders("application/octet-stream", CachePolicy.Immutable),
                "src/" + Key,
                Ct));

        Assert.Equal($"src/{Key}: length or sha256 differs from the signed metadata {why}", refused.Message);
        Assert.Empty(Directory.GetFiles(destination.Root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [MemberData(nameof(Wrong))]
    public async Task A_store_that_reads_exactly_the_announced_length_never_gets_all_of_other_bytes(
        string how,
        string why)
    {
        using var source = await SourceWithAsync(Alter(how));
        var destination = new ExactLengthStore();

        var refused = await Assert.ThrowsAsync<VerificationException>(() =>
            source.CopyPinnedAsync(
                Key,
                Pinned.Length,
                PinnedSha256,
                destination,
                new ObjectHeaders("application/octet-stream", CachePolicy.Immutable),
                "src/" + Key,
                Ct));

        Assert.EndsWith(why, refused.Message, StringComparison.Ordinal);
        Assert.False(destination.Completed);
    }

    [Fact]
    public async Task A_missing_file_is_a_verification_failure()
    {
        using var source = new FolderStore(Path.Combine(_root, "source"));
        using var destination = Destination();

        var missing = await Assert.ThrowsAsync<VerificationException>(() =>
            source.CopyPinnedAsync(
                Key,
                Pinned.Length,
                PinnedSha256,
                destination,
                new ObjectHeaders("application/octet-stream", CachePolicy.Immutable),
                "src/" + Key,
                Ct));

        Assert.Equal($"src/{Key}: pinned by the signed metadata but missing", missing.Message);
    }

    private static byte[] Alter(string how) => how switch
    {
        "tampered" => Pinned.Select((b, i) => i == Pinned.Length - 1 ? (byte)(b ^ 1) : b).ToArray(),
        "truncated" => Pinned[..^1000],
        "padded" => [.. Pinned, 0],
        "empty" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };

    /// <summary>A destination that, like the S3 store, reads exactly the announced length and stops.</summary>
    private sealed class ExactLengthStore : IObjectStore
    {
        public bool Completed { get; private set; }

        public string Location => "exact-length";

        public async Task<PutResult> PutIfAbsentAsync(
            string key,
            Stream content,
            long length,
            ObjectHeaders headers,
            CancellationToken cancellationToken)
        {
            var buffer = new byte[length];
            await content.ReadExactlyAsync(buffer, cancellationToken);
            Completed = true;
            return PutResult.Created;
        }

        public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
            => Task.FromResult<StoredObject?>(null);

        public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
            => Task.FromResult<Stream?>(null);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<SwapResult> SwapAsync(
            string key,
            ReadOnlyMemory<byte> content,
            string? expectedVersionTag,
            ObjectHeaders headers,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
            => throw new NotSupportedException();

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Dispose() { }
    }
}
