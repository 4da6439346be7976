using System.Text;

namespace Registry.Site.Internal;

/// <summary>
/// The only way text reaches a page: <see cref="Text"/> for element content and
/// <see cref="Attr"/> for a double-quoted attribute value both escape <c>&amp; &lt; &gt; " '</c>,
/// so no byte a package controls can open a tag, close an attribute or start a comment.
/// <see cref="SafeUrl"/> keeps a URL only when it is http, https or mailto.
/// </summary>
internal static class Html
{
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                case '\0': builder.Append('\uFFFD'); break;
                default:
                    // Control characters other than tab and newlines are not text a page should carry.
                    builder.Append(char.IsControl(c) && c is not ('\t' or '\n' or '\r') ? '\uFFFD' : c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes a value for a double-quoted attribute (the same set as <see cref="Text"/>).</summary>
    public static string Attr(string? value) => Text(value);

    /// <summary>An absolute http, https or mailto URL as given, or null (javascript:, data:, relative paths, anything
    /// else).</summary>
    public static string? SafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || url.Any(char.IsControl))
        {
            return null;
        }

        return Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto"
            ? uri.AbsoluteUri
            : null;
    }

    /// <summary>A link when the URL is safe, else the URL as escaped text.</summary>
    public static string LinkOrText(string? url, string? label = null) =>
        SafeUrl(url) is { } safe
            ? $"<a href=\"{Attr(safe)}\" rel=\"nofollow noopener noreferrer\">{Text(label ?? url)}</a>"
            : Text(label ?? url);

    /// <summary>A size in bytes for people: 1.2 KB, 3.4 MB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MB",
    };

    /// <summary>A time as shown on pages: ISO 8601 in UTC, to the minute.</summary>
    public static string Time(DateTimeOffset time) =>
        $"<time datetime=\"{time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{time.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time>";
}
