using System.Text.Json.Serialization;

namespace Registry.Core.Keys;

/// <summary>How a role stands: fine, within its warning window, expired, or signed by keys the newest root no longer
/// accepts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RoleHealth>))]
public enum RoleHealth
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("expired")]
    Expired,

    /// <summary>After a root rotation: not signed by a threshold of the newest root's keys; the next refresh must
    /// re-sign it.</summary>
    [JsonStringEnumMemberName("stale_keys")]
    StaleKeys,
}

/// <summary>One role in <c>registry status</c>; for the bins, the lowest and highest version and the earliest and
/// latest expiry.</summary>
public sealed record RoleStatus
{
    public required string Role { get; init; }

    public required long Version { get; init; }

    /// <summary>Bins only: the highest version (<see cref="Version"/> is the lowest).</summary>
    public long? MaxVersion { get; init; }

    /// <summary>The expiry (bins: the earliest).</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>Bins only: the latest expiry.</summary>
    public DateTimeOffset? LatestExpires { get; init; }

    public required long SecondsLeft { get; init; }

    /// <summary>The remaining time under which the role is reported as a warning.</summary>
    public required long WarnSeconds { get; init; }

    public required int Threshold { get; init; }

    public required IReadOnlyList<string> KeyIds { get; init; }

    /// <summary>Files in the given keys folder that hold one of the role's keys.</summary>
    public required IReadOnlyList<string> KeyFiles { get; init; }

    public required RoleHealth Health { get; init; }

    public string? Note { get; init; }
}

/// <summary>
/// The report behind <c>registry status</c>. <see cref="ExitCode"/>: 0 all fine, 1 something
/// expired (or must be re-signed after a root rotation), 3 something within its warning window.
/// </summary>
public sealed record StatusReport(
    string Location,
    DateTimeOffset Now,
    long RootVersion,
    IReadOnlyList<RoleStatus> Roles)
{
    public const int Expired = 1;
    public const int Warning = 3;

    public int ExitCode =>
        Roles.Any(r => r.Health is RoleHealth.Expired or RoleHealth.StaleKeys) ? Expired
        : Roles.Any(r => r.Health == RoleHealth.Warning) ? Warning
        : 0;
}
