using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Core.Tuf;

/// <summary>TUF timestamps: ISO 8601 in UTC to the second, <c>2027-01-31T12:00:00Z</c>.</summary>
internal sealed class TufDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("expires is null");
        if (!DateTimeOffset.TryParseExact(
            text,
            Format,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var value))
        {
            throw new JsonException($"'{text}' is not a TUF date (yyyy-MM-ddTHH:mm:ssZ)");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
}
