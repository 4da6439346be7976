using System.Text.Json;

namespace Registry.Search.Internal;

/// <summary>
/// The search view's own note of a package (<c>search/v1/packages/NAME.json</c>): the shard keys
/// it was last indexed under, so that a publish that changes a description removes the package
/// from the shards of its old words too. Written after the shards, so it always covers them.
/// </summary>
internal static class PackageRecord
{
    public static byte[] Write(string name, IEnumerable<string> keys)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteStartArray("keys");
            foreach (var key in keys.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The keys a stored record names; a malformed one names none (a full sync repairs what it hid).</summary>
    public static IReadOnlyList<string> KeysOf(byte[]? content)
    {
        if (content is null)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.GetProperty("keys").EnumerateArray()
                .Select(k => k.GetString())
                .Where(k => k is not null && k.Length > 0 && SearchText.KeyOf(k) == k)
                .Select(k => k!)
                .ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }
}
