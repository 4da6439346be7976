using Registry.Core.Tuf;

namespace Registry.Core.Settings;

/// <summary>How close a signed role is to its expiry, by the one rule below.</summary>
public enum ExpiryStage
{
    /// <summary>Outside every window.</summary>
    Fresh,

    /// <summary>Within the refresh window: the next <c>registry refresh</c> re-signs it (if it holds the
    /// key).</summary>
    RefreshDue,

    /// <summary>Within the warning window: <c>verify</c> and <c>status</c> warn (a scheduled refresh is not keeping
    /// up).</summary>
    Warn,

    /// <summary>Past its expiry: every client refuses it.</summary>
    Expired,
}

/// <summary>
/// The registry's expiry windows, one rule each and all of them here (docs/protocol.md, "Expiry
/// windows"): used by <c>refresh</c> (what it re-signs), <c>verify</c> and <c>status</c> (what they
/// warn about and refuse).
/// <list type="bullet">
/// <item>Expired: the role's <c>expires</c> is at or before now. Clients refuse it.</item>
/// <item>Refresh window: the refresh margin (<c>registry settings --refresh-margin</c>, 30 days by
/// default), but at most half the role's expiry, so a short-lived role is not re-signed on every run.</item>
/// <item>Warning window: 1 day for the timestamp, 30 days for the other roles, but at most half the
/// role's expiry. <c>status --warn</c> may replace it per role.</item>
/// </list>
/// </summary>
public sealed class ExpiryWindows(RegistrySettings settings)
{
    /// <summary>The timestamp's warning window: it is re-signed by every refresh, so only a day's silence is
    /// news.</summary>
    public static readonly TimeSpan TimestampWarning = TimeSpan.FromDays(1);

    /// <summary>The other roles' warning window (before halving for short-lived roles).</summary>
    public static readonly TimeSpan RoleWarning = TimeSpan.FromDays(30);

    public RegistrySettings Settings { get; } = settings;

    /// <summary>The remaining lifetime under which <c>refresh</c> re-signs <paramref name="role"/>.</summary>
    public TimeSpan RefreshOf(string role) => Min(TimeSpan.FromDays(Settings.RefreshMarginDays), Half(role));

    /// <summary>The remaining lifetime under which <c>verify</c> and <c>status</c> warn about
    /// <paramref name="role"/>.</summary>
    public TimeSpan WarningOf(string role)
        => Min(role == RoleNames.Timestamp ? TimestampWarning : RoleWarning, Half(role));

    public static bool IsExpired(SignedBase signed, DateTimeOffset now) => MetadataVerifier.IsExpired(signed, now);

    /// <summary>Whether <paramref name="signed"/> is within <paramref name="role"/>'s warning window (or the one
    /// given), and not expired.</summary>
    public bool IsNearExpiry(SignedBase signed, string role, DateTimeOffset now, TimeSpan? window = null) =>
        !IsExpired(signed, now) && signed.Expires - now <= (window ?? WarningOf(role));

    /// <summary>Whether <c>refresh</c> should re-sign <paramref name="signed"/> now.</summary>
    public bool IsRefreshDue(SignedBase signed, string role, DateTimeOffset now)
        => signed.Expires - now <= RefreshOf(role);

    /// <summary>The most urgent stage <paramref name="signed"/> is in.</summary>
    public ExpiryStage StageOf(SignedBase signed, string role, DateTimeOffset now) =>
        IsExpired(signed, now) ? ExpiryStage.Expired
        : IsNearExpiry(signed, role, now) ? ExpiryStage.Warn
        : IsRefreshDue(signed, role, now) ? ExpiryStage.RefreshDue
        : ExpiryStage.Fresh;

    private TimeSpan Half(string role) => Settings.ExpiryOf(role) / 2;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
