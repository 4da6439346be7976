using System.Collections.Concurrent;
using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// The expiry findings of <c>registry verify</c>: one line per top-level role, and one line for
/// all expired bins and one for all bins near expiry (a registry of 256 bins signed together
/// expires as a whole: one problem, with its count and the bins it covers, not 256 lines).
/// Each line says what revives the role.
/// </summary>
internal static class ExpiryAudit
{
    /// <summary>Lines past this many bin ranges end with "and N more".</summary>
    private const int MaxRanges = 4;

    /// <summary>Expired is an error; within the role's warning window (<see cref="ExpiryWindows.WarningOf"/>), a
    /// warning.</summary>
    public static void CheckRole(
        ExpiryWindows windows,
        SignedBase signed,
        string role,
        DateTimeOffset now,
        ConcurrentBag<string> errors,
        ConcurrentBag<string> warnings)
    {
        if (ExpiryWindows.IsExpired(signed, now))
        {
            errors.Add($"{role}: version {signed.Version} expired at {Instant(signed.Expires)}; {Remedy(role)}");
        }
        else if (windows.IsNearExpiry(signed, role, now))
        {
            warnings.Add(role == RoleNames.Timestamp
                ? $"timestamp: expires at {Instant(signed.Expires)}; schedule 'registry refresh'"
                : $"{role}: version {signed.Version} expires at {Instant(signed.Expires)}; {Remedy(role)}");
        }
    }

    /// <summary>Groups the bins' expiry; <paramref name="all"/> is every bin name in order, <paramref name="bins"/> the
    /// ones read.</summary>
    public static void CheckBins(
        ExpiryWindows windows,
        IReadOnlyList<string> all,
        IReadOnlyDictionary<string, SignedBase> bins,
        DateTimeOffset now,
        ConcurrentBag<string> errors,
        ConcurrentBag<string> warnings)
    {
        var expired = all.Where(b => bins.TryGetValue(b, out var s) && ExpiryWindows.IsExpired(s, now)).ToList();
        var soon = all.Where(b => bins.TryGetValue(b, out var s) && windows.IsNearExpiry(s, "bins", now)).ToList();
        if (expired.Count == 1)
        {
            var signed = bins[expired[0]];
            errors.Add(
                $"{expired[0]}: version {signed.Version} expired at {Instant(signed.Expires)}; {Remedy("bins")}");
        }
        else if (expired.Count > 1)
        {
            errors.Add($"bins: {expired.Count} of {all.Count} expired {Span(expired, bins)} ({Ranges(all, expired)}); "
                + $"{Remedy("bins")}");
        }

        if (soon.Count == 1)
        {
            var signed = bins[soon[0]];
            warnings.Add($"{soon[0]}: version {signed.Version} expires at {Instant(signed.Expires)}; {Remedy("bins")}");
        }
        else if (soon.Count > 1)
        {
            warnings.Add(
                $"bins: {soon.Count} of {all.Count} expire {Span(soon, bins)} ({Ranges(all, soon)}); {Remedy("bins")}");
        }
    }

    private static string Remedy(string role) => role switch
    {
        RoleNames.Root => "publish a new root ('registry root propose', 'root sign', 'root publish')",
        RoleNames.Timestamp => "run 'registry refresh'",
        RoleNames.Snapshot => "run 'registry refresh' with the snapshot key",
        _ => "run 'registry refresh' with the targets key",
    };

    private static string Instant(DateTimeOffset at)
        => at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string Span(List<string> names, IReadOnlyDictionary<string, SignedBase> bins)
    {
        var first = names.Min(n => bins[n].Expires);
        var last = names.Max(n => bins[n].Expires);
        return first == last ? $"at {Instant(first)}" : $"between {Instant(first)} and {Instant(last)}";
    }

    /// <summary>Runs of consecutive bins, <c>bin-00..bin-7f, bin-a0</c>, at most <see cref="MaxRanges"/> of
    /// them.</summary>
    private static string Ranges(IReadOnlyList<string> all, List<string> names)
    {
        var chosen = names.ToHashSet(StringComparer.Ordinal);
        var runs = new List<(string First, string Last, int Count)>();
        for (var i = 0; i < all.Count; i++)
        {
            if (!chosen.Contains(all[i]))
            {
                continue;
            }

            var start = i;
            while (i + 1 < all.Count && chosen.Contains(all[i + 1]))
            {
                i++;
            }

            runs.Add((all[start], all[i], i - start + 1));
        }

        var shown = runs.Take(MaxRanges).Select(r => r.Count == 1 ? r.First : $"{r.First}..{r.Last}").ToList();
        var rest = runs.Skip(MaxRanges).Sum(r => r.Count);
        return rest == 0 ? string.Join(", ", shown) : $"{string.Join(", ", shown)} and {rest} more";
    }
}
