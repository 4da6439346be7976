using System.Text;
using System.Text.Json;

namespace Registry.Core.Tuf;

/// <summary>
/// Canonical JSON as TUF (and securesystemslib) define it: no insignificant whitespace,
/// object keys sorted, strings with only <c>\</c> and <c>"</c> escaped, integers only
/// (no floats), UTF-8. Control characters stay raw, as securesystemslib and tuf-js sign them
/// (PEM public keys hold newlines), so canonical bytes are not always valid JSON: files are
/// written with <see cref="SerializeForFile"/>, which escapes them and is otherwise identical. Signatures are computed
/// over these bytes of the <c>signed</c> object, so the same document always has the same bytes whatever produced it.
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

    /// <summary>The canonical ordering and layout with control characters escaped: valid JSON for files.</summary>
    public static byte[] SerializeForFile(JsonElement element)
    {
        using var buffer = new MemoryStream();
        Write(element, buffer, escapeControl: true);
        return buffer.ToArray();
    }

    /// <summary>Writes the canonical form of a parsed JSON value.</summary>
    public static void Write(JsonElement element, Stream output, bool escapeControl = false)
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

                    WriteString(properties[i].Name, output, escapeControl);
                    output.WriteByte((byte)':');
                    Write(properties[i].Value, output, escapeControl);
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
                    Write(item, output, escapeControl);
                }

                output.WriteByte((byte)']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output, escapeControl);
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

    private static void WriteString(string value, Stream output, bool escapeControl)
    {
        output.WriteByte((byte)'"');
        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal);
        if (escapeControl && escaped.Any(char.IsControl))
        {
            var builder = new StringBuilder(escaped.Length + 16);
            foreach (var c in escaped)
            {
                builder.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                    _ => c.ToString(),
                });
            }

            escaped = builder.ToString();
        }

        output.Write(Encoding.UTF8.GetBytes(escaped));
        output.WriteByte((byte)'"');
    }

    private static void WriteAscii(string value, Stream output) => output.Write(Encoding.ASCII.GetBytes(value));
}
