using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Site.Internal;

/// <summary>
/// The site's own small state, derived from committed data and kept under <c>site/</c>:
/// <c>site/state.json</c> holds each count shard's totals (<c>{"shards":{"0a":[packages,versions]}}</c>);
/// <c>site/counts/XX.json</c> holds, for the packages whose name hashes into shard XX, how many
/// versions each has. A sync of some packages rewrites their shards and then the totals from
/// what the shards hold (never by adding a delta), so a repeated or raced sync cannot count twice.
/// The recent publishes are not stored here: they are read back from the home page's own list
/// (<see cref="HomePage.ParseRecent"/>), so a publish writes that list once, not twice.
/// </summary>
internal sealed record SiteState
{
    public const int RecentCount = 50;
    public const int ShardCount = 64;


    [JsonPropertyName("shards")]
    public SortedDictionary<string, ShardTotal> Shards { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The last publishes, newest first: read from the home page, never serialized.</summary>
    [JsonIgnore]
    public IReadOnlyList<RecentPublish> Recent { get; init; } = [];

    [JsonIgnore]
    public int Packages => Shards.Values.Sum(s => s.Packages);

    [JsonIgnore]
    public long Versions => Shards.Values.Sum(s => s.Versions);

    public static string ShardOf(string name)
    {
        var shard = SHA256.HashData(Encoding.UTF8.GetBytes(name))[0] % ShardCount;
        return shard.ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static SiteState Parse(byte[]? bytes) =>
        Deserialize(bytes, SiteJsonContext.Default.SiteState) is { } state
            ? state with { Shards = new SortedDictionary<string, ShardTotal>(state.Shards, StringComparer.Ordinal) }
            : new SiteState();

    /// <summary>The state as stored, or null when the bytes are not a site state.</summary>
    public static SiteState? TryParse(byte[] bytes) =>
        Deserialize(bytes, SiteJsonContext.Default.SiteState) is { } state ? Parse(bytes) : null;

    /// <summary>A shard, in ordinal order whatever comparer the deserializer chose (the bytes must not change on a
    /// round trip).</summary>
    public static SortedDictionary<string, int> ParseShard(byte[]? bytes) =>
        new(Deserialize(bytes, SiteJsonContext.Default.SortedDictionaryStringInt32) ?? [], StringComparer.Ordinal);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SiteJsonContext.Default.SiteState);

    public static byte[] ShardJson(SortedDictionary<string, int> shard)
        => JsonSerializer.SerializeToUtf8Bytes(shard, SiteJsonContext.Default.SortedDictionaryStringInt32);

    /// <summary>A state that is not the site's own (edited, truncated) is rebuilt, not trusted: the next full sync
    /// restores it.</summary>
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

/// <summary>A count shard's totals, stored as <c>[packages, versions]</c> (a publish rewrites all 64 of
/// them).</summary>
[JsonConverter(typeof(ShardTotalConverter))]
internal sealed record ShardTotal(int Packages, long Versions);

/// <summary>
/// Writes <see cref="ShardTotal"/> as <c>[packages, versions]</c>; reads that and the first
/// format's <c>{"packages":P,"versions":V}</c>, so a site written before keeps its totals.
/// </summary>
internal sealed class ShardTotalConverter : JsonConverter<ShardTotal>
{
    public override ShardTotal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        long packages = -1, versions = -1;
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            packages = Next(ref reader);
            versions = Next(ref reader);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                throw new JsonException("a shard total is [packages, versions]");
            }
        }
        else if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                var value = Next(ref reader);
                _ = name switch
                {
                    "packages" => packages = value,
                    "versions" => versions = value,
                    _ => throw new JsonException($"a shard total has no '{name}'"),
                };
            }
        }

        return packages is >= 0 and <= int.MaxValue && versions >= 0
            ? new ShardTotal((int)packages, versions)
            : throw new JsonException("a shard total is [packages, versions], both counts");
    }

    public override void Write(Utf8JsonWriter writer, ShardTotal value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Packages);
        writer.WriteNumberValue(value.Versions);
        writer.WriteEndArray();
    }

    private static long Next(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)
            ? value
            : throw new JsonException("a shard total holds numbers");
}

/// <summary>
/// A recent publish as the home page's list and the feed show it: name, version, time, yank state,
/// no description (as crates.io's and hex.pm's lists): the list is written twice per publish
/// (home, feed), and descriptions tripled its bytes (docs/performance.md).
/// </summary>
internal sealed record RecentPublish(string Name, string Version, DateTimeOffset Published, bool Yanked);

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SiteState))]
[JsonSerializable(typeof(SortedDictionary<string, int>))]
internal sealed partial class SiteJsonContext : JsonSerializerContext
{
}
