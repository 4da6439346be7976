using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// The roles a refresh found expired and cannot re-sign with the keys it holds. Clients refuse a
/// registry with any of them, so a refresh that only re-signed the rest would report success
/// over a dead registry: <see cref="ThrowIfAny"/> fails it instead, naming the keys that revive it.
/// </summary>
internal sealed class StrandedRoles
{
    // The order a message lists them in; bins and targets are signed with the targets keys.
    private static readonly string[] Order = [RoleNames.Root, RoleNames.Snapshot, RoleNames.Targets, "bins"];

    private readonly Dictionary<string, int> _count = new(StringComparer.Ordinal);
    private DateTimeOffset? _earliest;

    public void Add(string role, SignedBase signed)
    {
        _count[role] = _count.GetValueOrDefault(role) + 1;
        _earliest = _earliest is { } e && e <= signed.Expires ? e : signed.Expires;
    }

    /// <summary>Throws (exit 1) when any role is stranded; the message names them and what to run.</summary>
    public void ThrowIfAny()
    {
        if (_count.Count == 0)
        {
            return;
        }

        var roles = Order.Where(_count.ContainsKey).Select(r => r == "bins" ? Plural(_count[r], "bin") : r).ToList();
        // Re-signing bins or targets changes the snapshot, so it needs the snapshot key too.
        var keys = new List<string>();
        if (_count.ContainsKey(RoleNames.Targets) || _count.ContainsKey("bins"))
        {
            keys.Add("targets");
        }

        if (keys.Count > 0 || _count.ContainsKey(RoleNames.Snapshot))
        {
            keys.Add("snapshot");
        }

        var single = roles.Count == 1 && !(_count.TryGetValue("bins", out var bins) && bins > 1);
        var at = _earliest!.Value.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var when = single ? $"at {at}" : $"the first at {at}";
        var rerun = keys.Count == 0
            ? "'registry refresh'"
            : $"'registry refresh' with the {Join(keys)} key{(keys.Count > 1 ? "s" : "")}";
        var action = _count.ContainsKey(RoleNames.Root)
            ? $"publish a new root ('registry root propose', 'root sign', 'root publish'), then run {rerun}"
            : $"re-run {rerun}";
        throw new VerificationException(
            Rules.ExpiredRole,
            $"{Join(roles)} {(single ? "has" : "have")} expired ({when}) and cannot be re-signed with the keys given, "
            + "so every client refuses this registry; " +
            $"{action} (nothing was written)");
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";
}
