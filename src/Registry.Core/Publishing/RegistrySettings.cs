using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core.Storage;

namespace Registry.Core.Publishing;

/// <summary>
/// Publisher-side settings chosen at <c>registry init</c> and kept in the store as
/// <c>registry-config.json</c> (not signed, not used by clients): how long each role's
/// signatures last and how long edges may cache <c>timestamp.json</c>.
/// </summary>
public sealed record RegistrySettings
{
    public const string Key = "registry-config.json";

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

    [JsonIgnore]
    public CachePolicy CachePolicy => new(TimestampMaxAgeSeconds);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SettingsJsonContext.Default.RegistrySettings);

    public static async Task<RegistrySettings> LoadAsync(IObjectReader store, CancellationToken cancellationToken)
    {
        var stored = await store.GetOrNullAsync(Key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new RegistrySettings();
        }

        try
        {
            return JsonSerializer.Deserialize(stored.Content, SettingsJsonContext.Default.RegistrySettings) ?? new RegistrySettings();
        }
        catch (JsonException e)
        {
            throw new EnvironmentException($"{store.Location}/{Key}: malformed settings ({e.Message})", e);
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RegistrySettings))]
internal sealed partial class SettingsJsonContext : JsonSerializerContext
{
}
