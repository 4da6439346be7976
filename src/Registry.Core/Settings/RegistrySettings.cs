using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core.Storage;

namespace Registry.Core.Settings;

/// <summary>
/// Publisher-side settings chosen at <c>registry init</c> and kept in the store as
/// <c>registry-config.json</c> (not signed, not used by clients): how long each role's
/// signatures last and how long edges may cache <c>timestamp.json</c>. Chosen at
/// <c>registry init</c> (<c>--expiry</c>) and changed later with <c>registry settings</c>;
/// every expiry is a whole number of days between 1 and <see cref="MaxExpiryDays"/>.
/// </summary>
public sealed record RegistrySettings
{
    public const string Key = "registry-config.json";

    /// <summary>Ten years: no signature should outlive the keys' owners' attention.</summary>
    public const int MaxExpiryDays = 3650;

    /// <summary>The roles whose expiry is configurable: the four top-level roles and the hashed bins.</summary>
    public static IReadOnlyList<string> ExpiryRoles { get; } = ["root", "targets", "bins", "snapshot", "timestamp"];

    [JsonPropertyName("timestamp_max_age_seconds")]
    public int TimestampMaxAgeSeconds { get; init; } = 60;

    [JsonPropertyName("root_expiry_days")]
    public int RootExpiryDays { get; init; } = 365;

    [JsonPropertyName("targets_expiry_days")]
    public int TargetsExpiryDays { get; init; } = 365;

    [JsonPropertyName("bins_expiry_days")]
    public int BinsExpiryDays { get; init; } = 365;

    [JsonPropertyName("snapshot_expiry_days")]
    public int SnapshotExpiryDays { get; init; } = 365;

    [JsonPropertyName("timestamp_expiry_days")]
    public int TimestampExpiryDays { get; init; } = 7;

    /// <summary>
    /// Objects are written readable anonymously (S3 <c>x-amz-acl: public-read</c>), for a CDN
    /// that reads the bucket without credentials. Kept here so every later write does the same.
    /// </summary>
    [JsonPropertyName("public_read")]
    public bool PublicRead { get; init; }

    /// <summary>Re-sign a role at <c>refresh</c> when it expires within this many days.</summary>
    [JsonPropertyName("refresh_margin_days")]
    public int RefreshMarginDays { get; init; } = 30;

    /// <summary>
    /// The public base URL the registry is served at (e.g. <c>https://cdn.example/registry/</c>),
    /// which the NuGet view's absolute URLs start with; required to publish a .nupkg.
    /// </summary>
    [JsonPropertyName("nuget_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NuGetUrl { get; init; }

    /// <summary>
    /// The witnesses that publish, yank and refresh ask to cosign the transparency log's new
    /// checkpoint, each <c>URL=VKEY</c> (C2SP tlog-witness; docs/protocol.md, "Witnesses").
    /// </summary>
    [JsonPropertyName("witnesses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Witnesses { get; init; }

    /// <summary>Whether publish writes the static search index (docs/search.md); <c>registry settings --search
    /// on|off</c>.</summary>
    [JsonPropertyName("search")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Search { get; init; }

    /// <summary>Whether publish writes the static web site (home, search and package pages, feed, badges) at the
    /// store's root.</summary>
    [JsonPropertyName("site")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Site { get; init; }

    /// <summary>
    /// The other registries a package's dependencies may name, by alias: each one's URL and the
    /// sha256 of its <c>1.root.json</c>, configured once by the operator
    /// (<c>registry settings --known-registry NAME=URL#SHA256</c>), so that publish never learns a
    /// root by trust on first use. A manifest names one by alias or by its exact URL.
    /// </summary>
    [JsonPropertyName("known_registries")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, Index.RegistryPin>? KnownRegistries { get; init; }

    /// <summary>
    /// The known registry a manifest's dependency names (<paramref name="reference"/>: an alias of
    /// <see cref="KnownRegistries"/>, or one's exact URL), or null when this registry knows none such.
    /// </summary>
    public Index.RegistryPin? KnownRegistryOrNull(string reference)
    {
        var known = KnownRegistries ?? new Dictionary<string, Index.RegistryPin>();
        if (known.TryGetValue(reference, out var pin))
        {
            return pin;
        }

        var url = reference.EndsWith('/') ? reference : reference + "/";
        return known.Values.FirstOrDefault(p => string.Equals(p.Url, url, StringComparison.Ordinal));
    }

    /// <summary>Parses <c>NAME=URL#SHA256</c> (the form of <c>--known-registry</c>) into an alias and its
    /// pin.</summary>
    public static (string Name, Index.RegistryPin Pin) ParseKnownRegistry(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var hash = text.LastIndexOf('#');
        if (equals <= 0 || hash < equals)
        {
            throw new EnvironmentException(Index.RegistryPin.Rule, $"--known-registry '{text}': write "
                + "NAME=URL#ROOT_SHA256, e.g. public=https://registry.example/#<sha256 of its metadata/1.root.json>");
        }

        var name = text[..equals];
        if (Packages.PackageName.Problem(name) is { } problem)
        {
            throw new EnvironmentException(
                Index.RegistryPin.Rule,
                $"--known-registry: the name '{name}' {problem}; a registry alias is {Packages.PackageName.Rule}");
        }

        return (name, Index.RegistryPin
            .Parse(text[(equals + 1)..hash], text[(hash + 1)..], $"--known-registry {name}:"));
    }

    [JsonIgnore]
    public CachePolicy CachePolicy => new(TimestampMaxAgeSeconds);

    /// <summary>How long a new signature of <paramref name="role"/> (one of <see cref="ExpiryRoles"/>) lasts.</summary>
    public TimeSpan ExpiryOf(string role) => TimeSpan.FromDays(role switch
    {
        "root" => RootExpiryDays,
        "targets" => TargetsExpiryDays,
        "bins" => BinsExpiryDays,
        "snapshot" => SnapshotExpiryDays,
        "timestamp" => TimestampExpiryDays,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role with an expiry"),
    });

    /// <summary>These settings with new expiries (whole days), checked by <see cref="Validate"/>.</summary>
    public RegistrySettings WithExpiry(IReadOnlyDictionary<string, TimeSpan> expiry)
    {
        var settings = this;
        foreach (var (role, span) in expiry)
        {
            if (span.Ticks % TimeSpan.TicksPerDay != 0)
            {
                throw new EnvironmentException(
                    $"--expiry {role}={Durations.Format(span)}: expiries are whole days (e.g. {role}=1d)");
            }

            var days = (int)Math.Min(int.MaxValue, span.TotalDays);
            settings = role switch
            {
                "root" => settings with { RootExpiryDays = days },
                "targets" => settings with { TargetsExpiryDays = days },
                "bins" => settings with { BinsExpiryDays = days },
                "snapshot" => settings with { SnapshotExpiryDays = days },
                "timestamp" => settings with { TimestampExpiryDays = days },
                _ => throw new EnvironmentException(
                    $"--expiry: '{role}' is not one of {string.Join(", ", ExpiryRoles)}"),
            };
        }

        return settings.Validate();
    }

    /// <summary>Refuses expiries of 0 days or past <see cref="MaxExpiryDays"/>, and a timestamp that would expire
    /// before edges drop it.</summary>
    public RegistrySettings Validate()
    {
        foreach (var role in ExpiryRoles)
        {
            var days = ExpiryOf(role).TotalDays;
            if (days < 1 || days > MaxExpiryDays)
            {
                throw new EnvironmentException(
                    Rules.ExpiryBounds,
                    $"expiry of {role}: {days} days is out of bounds; a signature must last at least 1 day and at most "
                    + $"{MaxExpiryDays} days (10 years)");
            }
        }

        if (TimestampMaxAgeSeconds < 0 || TimeSpan.FromSeconds(TimestampMaxAgeSeconds) >= ExpiryOf("timestamp") / 2)
        {
            throw new EnvironmentException(
                Rules.ExpiryBounds,
                $"timestamp max-age {TimestampMaxAgeSeconds} s must be at least 0 and less than half the timestamp "
                + $"expiry ({TimestampExpiryDays} days), or edges would serve expired timestamps");
        }

        if (NuGetUrl is not null && PublicBaseUrl.Normalize(NuGetUrl) != NuGetUrl)
        {
            throw new EnvironmentException(
                Rules.NuGetUrl,
                $"nuget url '{NuGetUrl}' is not in normal form (http or https, ending in '/')");
        }

        foreach (var (name, pin) in KnownRegistries ?? new Dictionary<string, Index.RegistryPin>())
        {
            if (!Packages.PackageName.IsValid(name) || Index.RegistryPin.Problem(pin) is not null)
            {
                throw new EnvironmentException(Index.RegistryPin.Rule, $"known registry '{name}' "
                    + $"{Index.RegistryPin.Problem(pin) ?? "has an invalid alias"}; a known registry is an alias "
                    + $"({Packages.PackageName.Rule}) and {Index.RegistryPin.RuleText}");
            }
        }

        if (RefreshMarginDays < 0 || RefreshMarginDays > MaxExpiryDays)
        {
            throw new EnvironmentException(
                Rules.ExpiryBounds,
                $"refresh margin {RefreshMarginDays} days is out of bounds (0 to {MaxExpiryDays})");
        }

        return this;
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SettingsJsonContext.Default.RegistrySettings);

    public static async Task<RegistrySettings> LoadAsync(IObjectReader store, CancellationToken cancellationToken) =>
        (await LoadWithTagAsync(store, cancellationToken).ConfigureAwait(false)).Settings;

    /// <summary>The stored settings (defaults when none are stored) and the version tag to replace them with
    /// <see cref="SaveAsync"/>.</summary>
    public static async Task<(RegistrySettings Settings, string? VersionTag)> LoadWithTagAsync(
        IObjectReader store,
        CancellationToken cancellationToken)
    {
        var stored = await store.GetOrNullAsync(Key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return (new RegistrySettings(), null);
        }

        try
        {
            return (JsonSerializer.Deserialize(stored.Content, SettingsJsonContext.Default.RegistrySettings)
                ?? new RegistrySettings(), stored.VersionTag);
        }
        catch (JsonException e)
        {
            throw new EnvironmentException(
                $"{store.Location}/{Key}: malformed settings ({JsonProblem.Describe(e)})",
                e);
        }
    }

    /// <summary>Replaces the stored settings by compare-and-swap on the tag they were read with.</summary>
    public async Task SaveAsync(IObjectStore store, string? expectedVersionTag, CancellationToken cancellationToken)
    {
        Validate();
        if (await store.SwapAsync(
            Key,
            ToJson(),
            expectedVersionTag,
            new ObjectHeaders("application/json", "no-cache"),
            cancellationToken).ConfigureAwait(false) != SwapResult.Swapped)
        {
            throw new ConflictException($"{store.Location}/{Key}: changed by someone else meanwhile; "
                + "nothing was written, run the command again");
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RegistrySettings))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext
{
}
