using System.Text;
using System.Text.Json;

namespace Registry.Core.Tuf;

/// <summary>
/// Canonical JSON as TUF (and securesystemslib) define it: no insignificant whitespace,
/// object keys sorted, strings with only <c>\</c> and <c>"</c> escaped, integers only
/// (no floats), UTF-8. Signatures are computed over these bytes of the <c>signed</c> object,
/// so the same document always has the same bytes whatever produced it.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical bytes of a parsed JSON value.</summary>
    public static byte[] Serialize(JsonElement element)
    {
        using var buffer = new MemoryStream();
        Write(element, buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the canonical form of a parsed JSON value.</summary>
    public static void Write(JsonElement element, Stream output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.WriteByte((byte)'{');
                var properties = element.EnumerateObject().ToList();
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        if (properties[i].Name == properties[i - 1].Name)
                        {
                            throw new FormatException($"duplicate JSON key '{properties[i].Name}'");
                        }

                        output.WriteByte((byte)',');
                    }

                    WriteString(properties[i].Name, output);
                    output.WriteByte((byte)':');
                    Write(properties[i].Value, output);
                }

                output.WriteByte((byte)'}');
                break;
            case JsonValueKind.Array:
                output.WriteByte((byte)'[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.WriteByte((byte)',');
                    }

                    first = false;
                    Write(item, output);
                }

                output.WriteByte((byte)']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                if (!element.TryGetInt64(out var number))
                {
                    throw new FormatException($"canonical JSON allows integers only, not {element.GetRawText()}");
                }

                WriteAscii(number.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
                break;
            case JsonValueKind.True:
                WriteAscii("true", output);
                break;
            case JsonValueKind.False:
                WriteAscii("false", output);
                break;
            case JsonValueKind.Null:
                WriteAscii("null", output);
                break;
            default:
                throw new FormatException($"unexpected JSON value kind {element.ValueKind}");
        }
    }

    private static void WriteString(string value, Stream output)
    {
        output.WriteByte((byte)'"');
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        output.Write(Encoding.UTF8.GetBytes(escaped));
        output.WriteByte((byte)'"');
    }

    private static void WriteAscii(string value, Stream output) => output.Write(Encoding.ASCII.GetBytes(value));
}
