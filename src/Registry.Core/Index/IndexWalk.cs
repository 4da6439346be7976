using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Registry.Core.Tuf;

namespace Registry.Core.Index;

/// <summary>One signed index document met by a walk: its target path, its pin, and the parsed document.</summary>
public sealed record WalkedIndex(string Path, TargetFile Target, PackageIndex Index);

/// <summary>
/// Reading index documents from a verified state: one package's document, or a walk over every
/// bin (or some) and the documents each lists, with pinned reads, bounded parallelism and one
/// parse. verify, gc, the views and <c>registry sync</c> walk through here.
/// </summary>
public static class IndexWalk
{
    /// <summary>The index at NAME's normalised path (which may belong to another spelling of it), or null.</summary>
    public static async Task<PackageIndex?> ReadIndexOrNullAsync(this RegistryState state, string name, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.IndexPath(name);
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : IndexJson.ParseIndex(bytes, path);
    }

    /// <summary>
    /// Every index document of <paramref name="bins"/> (every bin when null), read against its pin
    /// and parsed once, <paramref name="parallelism"/> reads at a time, in no particular order. A
    /// document that fails its pin or its rules ends the walk with that
    /// <see cref="VerificationException"/>; <paramref name="onError"/>, when given, takes it instead and the walk goes on.
    /// </summary>
    public static async IAsyncEnumerable<WalkedIndex> WalkAsync(
        this RegistryState state,
        IEnumerable<string>? bins = null,
        int parallelism = 8,
        Action<VerificationException>? onError = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<WalkedIndex>(new BoundedChannelOptions(parallelism * 4) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = stop.Token };
                    var targets = new System.Collections.Concurrent.ConcurrentBag<(string Path, TargetFile Target)>();
                    await Parallel.ForEachAsync(bins ?? state.Bins.AllNames(), options, async (bin, ct) =>
                    {
                        try
                        {
                            var document = await state.GetBinAsync(bin, ct).ConfigureAwait(false);
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
                            var bytes = await state.ReadTargetOrNullAsync(pair.Path, ct).ConfigureAwait(false)
                                ?? throw new VerificationException($"{pair.Path}: listed in its bin but not found");
                            await channel.Writer.WriteAsync(new WalkedIndex(pair.Path, pair.Target, IndexJson.ParseIndex(bytes, pair.Path)), ct).ConfigureAwait(false);
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
}
