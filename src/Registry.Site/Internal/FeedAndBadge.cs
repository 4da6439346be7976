using System.Globalization;
using System.Text;

namespace Registry.Site.Internal;

/// <summary>The Atom feed of recent publishes (<c>feed.xml</c>): the same list as the home page.</summary>
internal static class AtomFeed
{
    public const string Key = "feed.xml";

    /// <summary>
    /// Entries in the feed: the newest 10 of the home page's list. Feed readers poll often (a
    /// publish rewrites the feed, so its size is paid on every publish); the home page lists 50.
    /// </summary>
    public const int Entries = 10;

    public static byte[] Render(SiteState state, string? baseUrl)
    {
        var site = baseUrl ?? "urn:registry:";
        var updated = state.Recent.Count > 0 ? state.Recent[0].Published : DateTimeOffset.UnixEpoch;
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
            + "xmlns=\"http://www.w3.org/2005/Atom\">\n<title>Recent publishes</title>\n")
            .Append("<id>").Append(Html.Text(site)).Append("feed.xml</id>\n")
            .Append("<updated>").Append(Stamp(updated)).Append("</updated>\n")
            .Append("<link rel=\"self\" href=\"feed.xml\"/>\n<link href=\"./\"/>\n")
            .Append("<author><name>registry</name></author>\n");
        foreach (var item in state.Recent.Take(Entries))
        {
            xml.Append("<entry>\n<title>")
                .Append(Html.Text($"{item.Name} {item.Version}{(item.Yanked ? " (yanked)" : "")}"))
                .Append("</title>\n")
                .Append("<id>")
                .Append(Html.Text($"{site}packages/{item.Name}/{item.Version}"))
                .Append("</id>\n")
                .Append("<updated>")
                .Append(Stamp(item.Published))
                .Append("</updated>\n")
                .Append("<link href=\"packages/")
                .Append(Html.Attr(item
                    .Name))
                .Append('/')
                .Append(Html.Attr(PackagePage.VersionText(item.Version)))
                .Append("/\"/>\n")
                .Append("</entry>\n");
        }

        xml.Append("</feed>\n");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    private static string Stamp(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

/// <summary>A package's version badge (<c>packages/NAME/badge.svg</c>): text only, escaped, no script, no
/// links.</summary>
internal static class VersionBadge
{
    public static byte[] Render(string name, string version, bool yanked)
    {
        var label = "registry";
        var value = yanked ? $"{version} yanked" : version;
        value = HomePage.Shorten(value, 40);
        var left = 8 + (7 * label.Length);
        var right = 8 + (7 * value.Length);
        var color = yanked ? "#9f1c00" : "#1f6f3f";
        var width = left + right;
        var ariaLabel = $"{Html.Attr(name)}: {Html.Attr(value)}";
        var svg = $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{ariaLabel}">
            <title>{Html.Text(name)}: {Html.Text(value)}</title>
            <rect width="{left}" height="20" fill="#444"/><rect x="{left}" width="{right}" height="20" fill="{color}"/>
            <g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
            <text x="4" y="14">{Html.Text(label)}</text><text x="{left + 4}" y="14">{Html.Text(value)}</text>
            </g>
            </svg>

            """;
        return Encoding.UTF8.GetBytes(svg);
    }
}
