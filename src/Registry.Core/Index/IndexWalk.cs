using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Index;

/// <summary>An index document met by a walk: its target path, its pin, its bytes and the parsed document.</summary>
public sealed record WalkedIndex(string Path, TargetFile Target, PackageIndex Index)
{
    /// <summary>The document's bytes, checked against <see cref="Target"/>.</summary>
    public byte[] Content { get; init; } = [];

    /// <summary>The document's key in the store.</summary>
    public string Key => RegistryLayout.TargetKey(Path, Target.Sha256);
}

/// <summary>What a walk (<see cref="IndexWalk"/>) reads and whom it tells.</summary>
public sealed record WalkOptions
{
    /// <summary>The bins to walk; null: every bin of the state's delegation.</summary>
    public IEnumerable<string>? Bins { get; init; }

    /// <summary>Reads at a time.</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// Takes a bin's or a document's <see cref="VerificationException"/> and the walk goes on; null: the
    /// first one ends the walk.
    /// </summary>
    public Action<VerificationException>? OnError { get; init; }

    /// <summary>Told each bin document once it is verified, before any document it lists is read.</summary>
    public Func<string, SignedDocument<TargetsMetadata>, CancellationToken, ValueTask>? OnBin { get; init; }

    /// <summary>A document (target path, key) for which this answers true is not read (a mirror holds it).</summary>
    public Func<string, string, CancellationToken, ValueTask<bool>>? Skip { get; init; }

    /// <summary>Where documents are read, and their names in errors; null: the state's own store, by key.</summary>
    public (IObjectReader Reader, Func<string, string> Name)? Documents { get; init; }
}

/// <summary>
/// Reading index documents from a verified state: one package's document, or a walk over every
/// bin (or some) and the documents each lists, with pinned reads, bounded parallelism and one
/// parse. verify, gc, the views and <c>registry sync</c> walk through here.
/// </summary>
public static class IndexWalk
{
    /// <summary>The index at NAME's normalised path (which may belong to another spelling of it), or null.</summary>
    public static async Task<PackageIndex?> ReadIndexOrNullAsync(
        this RegistryState state, string name, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.IndexPath(name);
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : IndexJson.ParseIndex(bytes, path);
    }

    /// <summary>
    /// Every index document of <paramref name="bins"/> (every bin when null), read against its pin
    /// and parsed once, <paramref name="parallelism"/> reads at a time, in no particular order. A
    /// document that fails its pin or its rules ends the walk with that
    /// <see cref="VerificationException"/>; <paramref name="onError"/>, when given, takes it instead and the walk
    /// goes on.
    /// </summary>
    public static IAsyncEnumerable<WalkedIndex> WalkAsync(
        this RegistryState state,
        IEnumerable<string>? bins = null,
        int parallelism = 8,
        Action<VerificationException>? onError = null,
        CancellationToken cancellationToken = default) =>
        state.WalkAsync(
            new WalkOptions { Bins = bins, Parallelism = parallelism, OnError = onError }, cancellationToken);

    /// <summary>
    /// The walk with every option (<see cref="WalkOptions"/>): bins first (each verified, then told to
    /// <see cref="WalkOptions.OnBin"/>), then their documents. A target that is not an index document
    /// is an error: a registry's only targets are <c>index/NORMALISED.json</c>.
    /// </summary>
    public static async IAsyncEnumerable<WalkedIndex> WalkAsync(
        this RegistryState state,
        WalkOptions walk,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parallelism = walk.Parallelism;
        var onError = walk.OnError;
        var channel = Channel.CreateBounded<WalkedIndex>(
            new BoundedChannelOptions(parallelism * 4) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var options = new ParallelOptions
                    {
                        MaxDegreeOfParallelism = parallelism, CancellationToken = stop.Token,
                    };
                    var targets = new System.Collections.Concurrent.ConcurrentBag<(string Path, TargetFile Target)>();
                    await Parallel.ForEachAsync(walk.Bins ?? state.Bins.AllNames(), options, async (bin, ct) =>
                    {
                        try
                        {
                            var document = await state.GetBinAsync(bin, ct).ConfigureAwait(false);
                            if (walk.OnBin is not null)
                            {
                                await walk.OnBin(bin, document, ct).ConfigureAwait(false);
                            }

                            foreach (var (path, target) in document.Signed.Targets)
                            {
                                targets.Add((path, target));
                            }
                        }
                        catch (VerificationException e) when (onError is not null)
                        {
                            onError(e);
                        }
                    }).ConfigureAwait(false);

                    await Parallel.ForEachAsync(targets, options, async (pair, ct) =>
                    {
                        try
                        {
                            var walked = await ReadAsync(state, walk, pair.Path, pair.Target, ct).ConfigureAwait(false);
                            if (walked is not null)
                            {
                                await channel.Writer.WriteAsync(walked, ct).ConfigureAwait(false);
                            }
                        }
                        catch (VerificationException e) when (onError is not null)
                        {
                            onError(e);
                        }
                    }).ConfigureAwait(false);
                    channel.Writer.Complete();
                }
                catch (Exception e)
                {
                    channel.Writer.Complete(e);
                }
            },
            stop.Token);

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        // A producer failure completes the channel with it, and ReadAllAsync rethrows it above.
    }

    /// <summary>Every index document of the state in a stable order (bin, then path).</summary>
    public static async Task<List<WalkedIndex>> ReadAllAsync(
        this RegistryState state, CancellationToken cancellationToken)
    {
        var all = new List<WalkedIndex>();
        await foreach (var walked in state.WalkAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            all.Add(walked);
        }

        return [.. all.OrderBy(w => state.Bins.BinFor(w.Path), StringComparer.Ordinal)
            .ThenBy(w => w.Path, StringComparer.Ordinal)];
    }

    private static async Task<WalkedIndex?> ReadAsync(
        RegistryState state, WalkOptions walk, string path, TargetFile target, CancellationToken cancellationToken)
    {
        if (!path.StartsWith("index/", StringComparison.Ordinal))
        {
            throw new VerificationException(
                $"{path}: unexpected target (a format-{RegistryFormat.Current} registry's only targets are "
                + "index/NORMALISED.json)");
        }

        var key = RegistryLayout.TargetKey(path, target.Sha256);
        if (walk.Skip is not null && await walk.Skip(path, key, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var (reader, name) = walk.Documents ?? (state.Store, k => k);
        var bytes = await reader.ReadPinnedAsync(key, target.Length, target.Sha256, name(key), cancellationToken)
            .ConfigureAwait(false);
        return new WalkedIndex(path, target, IndexJson.ParseIndex(bytes, path)) { Content = bytes };
    }
}
