using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Site.Internal;

/// <summary>
/// The site's own small state, derived from committed data and kept under <c>site/</c>:
/// <c>site/state.json</c> holds the most recent publishes and each count shard's totals;
/// <c>site/counts/XX.json</c> holds, for the packages whose name hashes into shard XX, how many
/// versions each has. A sync of some packages rewrites their shards and then the totals from
/// what the shards hold (never by adding a delta), so a repeated or raced sync cannot count twice.
/// </summary>
internal sealed record SiteState
{
    public const int RecentCount = 50;
    public const int ShardCount = 64;


    [JsonPropertyName("shards")]
    public SortedDictionary<string, ShardTotal> Shards { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("recent")]
    public IReadOnlyList<RecentPublish> Recent { get; init; } = [];

    public int Packages => Shards.Values.Sum(s => s.Packages);

    public long Versions => Shards.Values.Sum(s => s.Versions);

    public static string ShardOf(string name) => (SHA256.HashData(Encoding.UTF8.GetBytes(name))[0] % ShardCount).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);

    public static SiteState Parse(byte[]? bytes) =>
        Deserialize(bytes, SiteJsonContext.Default.SiteState) is { } state
            ? state with { Shards = new SortedDictionary<string, ShardTotal>(state.Shards, StringComparer.Ordinal) }
            : new SiteState();

    /// <summary>The state as stored, or null when the bytes are not a site state.</summary>
    public static SiteState? TryParse(byte[] bytes) =>
        Deserialize(bytes, SiteJsonContext.Default.SiteState) is { } state ? Parse(bytes) : null;

    /// <summary>A shard, in ordinal order whatever comparer the deserializer chose (the bytes must not change on a round trip).</summary>
    public static SortedDictionary<string, int> ParseShard(byte[]? bytes) =>
        new(Deserialize(bytes, SiteJsonContext.Default.SortedDictionaryStringInt32) ?? [], StringComparer.Ordinal);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SiteJsonContext.Default.SiteState);

    public static byte[] ShardJson(SortedDictionary<string, int> shard) => JsonSerializer.SerializeToUtf8Bytes(shard, SiteJsonContext.Default.SortedDictionaryStringInt32);

    /// <summary>A state that is not the site's own (edited, truncated) is rebuilt, not trusted: the next full sync restores it.</summary>
    private static T? Deserialize<T>(byte[]? bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, info);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record ShardTotal(
    [property: JsonPropertyName("packages")] int Packages,
    [property: JsonPropertyName("versions")] long Versions);

/// <summary>
/// A recent publish as the home page's list and the feed show it: name, version, time, yank state,
/// no description (as crates.io's and hex.pm's lists): the list is written three times per publish
/// (home, state, feed), and descriptions tripled its bytes (docs/performance.md).
/// </summary>
internal sealed record RecentPublish(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("published")] DateTimeOffset Published,
    [property: JsonPropertyName("yanked")] bool Yanked);

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SiteState))]
[JsonSerializable(typeof(SortedDictionary<string, int>))]
internal sealed partial class SiteJsonContext : JsonSerializerContext
{
}
