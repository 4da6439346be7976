using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Log;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// What gc may delete of the transparency log (docs/protocol.md, "The transparency log"): tlog-tiles lets
/// a log delete a partial tile or entry bundle once the full one exists. gc deletes a partial whose full
/// tile (or bundle) the current state's checkpoint covers (so never a dead writer's uncommitted full tile)
/// and has existed for longer than the grace period and at least an hour more than the checkpoint's
/// max-age, so a reader holding an older checkpoint (an edge cache's) still finds its partials, and a
/// reader that misses one reads the full one instead (<see cref="PartialFallback"/>). Every full tile and
/// bundle, every record and the checkpoint are kept: they are what a reader of the log needs.
/// </summary>
internal static class LogPartials
{
    /// <summary>The margin past the checkpoint's max-age before a superseded partial may go.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    public static List<StoredItem> Superseded(
        IReadOnlyDictionary<string, StoredItem> items,
        RegistryState state,
        CachePolicy policy,
        TimeSpan grace,
        DateTimeOffset now)
    {
        if (state.Timestamp.Signed.Log is not { } stamped)
        {
            return [];
        }

        var size = Checkpoint.Parse(SignedNote.Parse(Convert.FromBase64String(stamped.Checkpoint)).Text).Size;
        var cutoff = now - Max(grace, TimeSpan.FromSeconds(policy.TimestampMaxAgeSeconds) + Margin);
        return items.Values
            .Where(item => item.LastModified <= cutoff && TilePath.FullOf(item.Key) is { } full
                && item.Key.StartsWith(LogFields.Prefix + "tile/", StringComparison.Ordinal)
                && items.TryGetValue(full, out var fullItem) && fullItem.LastModified <= cutoff
                && TilePath.IsFullWithin(LogFields.Prefix, full, size))
            .ToList();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
