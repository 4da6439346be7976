using System.Text;
using Registry.Testing.Cli;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Mirror;

namespace Registry.Client.Tests;

/// <summary>
/// The mirror streams artifacts from the source into the destination instead of holding them
/// (memory bounded by --parallel, not by their size): the destination receives the bytes while
/// the source is still sending them, a body cut short is fetched again from the start, and bytes
/// that are not the pinned ones never become a file at the destination.
/// </summary>
public sealed class MirrorStreamingTests : IAsyncLifetime
{
    private const string Artifact = "*big-1.0.0.tgz";
    private readonly TestRegistry _registry = new();
    private MisbehavingServer _server = null!;
    private byte[] _artifact = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string MirrorFolder => Path.Combine(_registry.Root, "mirror");

    public async ValueTask InitializeAsync()
    {
        await _registry.InitAsync();
        var text = new StringBuilder();
        var random = new Random(7);
        while (text.Length < 3_000_000)
        {
            text.Append(random.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture))
                .Append('\n');
        }

        var file = Path.Combine(_registry.Root, "big-1.0.0.tgz");
        File.WriteAllBytes(file, Tgz.Archive(
            ("registry.json", "{\"name\":\"big\",\"version\":\"1.0.0\",\"description\":\"a large "
                + "package\",\"dependencies\":{}}"),
            ("lib/data.txt", text.ToString())));
        Assert.Equal(0, (await _registry.PublishAsync(file)).ExitCode);
        _artifact = File.ReadAllBytes(Directory.GetFiles(
            Path.Combine(_registry.Store, "targets", "packages", "big"),
            "*.tgz",
            SearchOption.AllDirectories).Single());
        Assert.True(_artifact.Length > 1_000_000, $"artifact of {_artifact.Length} bytes");
        _server = await MisbehavingServer.StartAsync(_registry.Store);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<MirrorResult> SyncAsync(IObjectStore destination)
    {
        var anchor = RootChain.Parse(
            await File.ReadAllBytesAsync(Path.Combine(_registry.Store, "metadata", "1.root.json"), Ct),
            "root");
        using var reader = new HttpObjectReader(
            _server.Url,
            policy: new HttpPolicy { BaseDelay = TimeSpan.FromMilliseconds(10) });
        // the registry was signed by the CLI on the process clock
        return await new RegistryMirror(reader, destination, anchor, TimeProvider.System).SyncAsync(null, Ct);
    }

    private int ArtifactRequests => _server.Count(k => k.EndsWith(Artifact[1..], StringComparison.Ordinal));

    /// <summary>Files under the mirror's targets/packages, hidden temporaries included.</summary>
    private string[] PackageFiles() => Directory.Exists(Path.Combine(MirrorFolder, "targets", "packages"))
        ? Directory.GetFiles(Path.Combine(MirrorFolder, "targets", "packages"), "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public async Task The_destination_receives_an_artifact_while_the_source_is_still_sending_it()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waitedForDestination = false;
        _server.Overrides[Artifact] = async context =>
        {
            // Half the body, then wait for the destination to have bytes: a mirror that held the
            // whole artifact before writing it would give the destination nothing yet.
            context.Response.ContentLength = _artifact.Length;
            await context.Response.Body.WriteAsync(_artifact.AsMemory(0, _artifact.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            waitedForDestination = await Task.WhenAny(
                received.Task,
                Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted)) == received.Task;
            await context.Response.Body.WriteAsync(_artifact.AsMemory(_artifact.Length / 2), context.RequestAborted);
        };
        using var destination = new WatchingStore(new FolderStore(MirrorFolder), received);

        await SyncAsync(destination);

        Assert.True(
            waitedForDestination,
            "the destination got no byte of the artifact before the source finished sending it");
        Assert.Equal(_artifact, File.ReadAllBytes(Assert.Single(PackageFiles())));
        var verify = await RegistryCli.RunAsync("verify", "--store", MirrorFolder);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task A_body_cut_short_is_fetched_again_and_leaves_no_partial_file()
    {
        var cut = 0;
        _server.Overrides[Artifact] = async context =>
        {
            if (Interlocked.Increment(ref cut) == 1)
            {
                await new SlowBehaviours().CutShort(_artifact, _artifact.Length / 3)(context);
                return;
            }

            await context.Response.Body.WriteAsync(_artifact, context.RequestAborted);
        };
        using var destination = new FolderStore(MirrorFolder);

        await SyncAsync(destination);

        Assert.Equal(2, ArtifactRequests);
        Assert.Equal(_artifact, File.ReadAllBytes(Assert.Single(PackageFiles())));
        Assert.Equal(0, (await RegistryCli.RunAsync("verify", "--store", MirrorFolder)).ExitCode);
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("padded")]
    [InlineData("truncated")]
    public async Task Bytes_that_are_not_the_pinned_artifact_are_refused_and_never_become_a_file(string how)
    {
        var served = how switch
        {
            "tampered" => _artifact.Select((b, i) => i == _artifact.Length - 1 ? (byte)(b ^ 1) : b).ToArray(),
            "padded" => [.. _artifact, .. new byte[100]],
            _ => _artifact[..^100],
        };
        _server.Overrides[Artifact] = MisbehavingServer.Body(served);
        using var destination = new FolderStore(MirrorFolder);

        var refused = await Assert.ThrowsAsync<VerificationException>(() => SyncAsync(destination));

        Assert.Contains(Artifact[1..], refused.Message, StringComparison.Ordinal);
        Assert.True(
            refused.Message.Contains("length or sha256 differs from the signed metadata", StringComparison.Ordinal)
                || refused.Message.Contains("exceeds the limit", StringComparison.Ordinal),
            refused.Message);
        Assert.Equal(1, ArtifactRequests);
        Assert.Empty(PackageFiles());
        Assert.False(File.Exists(Path.Combine(MirrorFolder, "metadata", "timestamp.json")));
    }

    /// <summary>A folder store that signals once a create-only write has received its first 64 KiB.</summary>
    private sealed class WatchingStore(FolderStore inner, TaskCompletionSource received) : IObjectStore
    {
        public string Location => inner.Location;

        public async Task<PutResult> PutIfAbsentAsync(
            string key,
            Stream content,
            long length,
            ObjectHeaders headers,
            CancellationToken cancellationToken)
        {
            var watched = new SignallingStream(content, 64 * 1024, received);
            await using (watched.ConfigureAwait(false))
            {
                return await inner.PutIfAbsentAsync(key, watched, length, headers, cancellationToken);
            }
        }

        public Task<StoredObject?> GetOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.GetOrNullAsync(key, cancellationToken);

        public Task<Stream?> OpenReadOrNullAsync(string key, CancellationToken cancellationToken)
            => inner.OpenReadOrNullAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
            => inner.ExistsAsync(key, cancellationToken);

        public Task<SwapResult> SwapAsync(
            string key,
            ReadOnlyMemory<byte> content,
            string? expectedVersionTag,
            ObjectHeaders headers,
            CancellationToken cancellationToken) =>
            inner.SwapAsync(key, content, expectedVersionTag, headers, cancellationToken);

        public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
            => inner.ListAsync(prefix, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken)
            => inner.DeleteAsync(key, cancellationToken);

        public void Dispose() => inner.Dispose();
    }

    private sealed class SignallingStream(Stream inner, long threshold, TaskCompletionSource signal) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer,
            CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _read += read;
            if (_read >= threshold)
            {
                signal.TrySetResult();
            }

            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
