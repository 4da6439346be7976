using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Registry.Site.Internal;

/// <summary>What the home page's status panel says: facts of the signed metadata the page was written from.</summary>
internal sealed record SignedStatus(
    long TimestampVersion,
    DateTimeOffset TimestampExpires,
    long SnapshotVersion,
    DateTimeOffset SnapshotExpires,
    long RootVersion,
    string RootSha256);

/// <summary>The home page (<c>index.html</c>): search, counts, how to use the registry, status, the last
/// publishes.</summary>
internal static partial class HomePage
{
    public const string Key = "index.html";

    /// <summary>
    /// The recent publishes the home page lists, newest first, read back from its own markup (the
    /// site keeps no other copy). A page that is not this site's (missing, edited) gives what it
    /// can: an empty or shorter list, which the next publishes fill again; pages and counts do not
    /// depend on it, and a version listed here that the signed index lacks is never linked to
    /// anything but its package page.
    /// </summary>
    public static IReadOnlyList<RecentPublish> ParseRecent(byte[]? page)
    {
        if (page is null)
        {
            return [];
        }

        var recent = new List<RecentPublish>();
        foreach (Match item in RecentItem().Matches(Encoding.UTF8.GetString(page)))
        {
            if (DateTimeOffset.TryParseExact(
                item.Groups["time"].Value,
                "yyyy-MM-ddTHH:mm:ssZ",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var published))
            {
                recent.Add(new RecentPublish(
                    WebUtility.HtmlDecode(item.Groups["name"].Value),
                    WebUtility.HtmlDecode(item.Groups["version"].Value),
                    published,
                    item.Groups["yanked"].Success));
            }
        }

        return recent.Take(SiteState.RecentCount).ToList();
    }

    public static byte[] Render(SiteState state, SignedStatus status, string? baseUrl)
    {
        var url = baseUrl ?? "URL";
        var main = new StringBuilder();
        main.Append("<h1>Package registry</h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"counts\"><strong data-packages=\"{state.Packages}\">")
            .Append(CultureInfo.InvariantCulture, $"{state.Packages:N0}</strong> packages, ")
            .Append(CultureInfo.InvariantCulture,
                $"<strong data-versions=\"{state.Versions}\">{state.Versions:N0}</strong> versions.</p>\n")
            .Append("<section aria-labelledby=\"use\">\n<h2 id=\"use\">Use this registry</h2>\n")
            .Append("<p>Add it as a source; the client trusts it through the sha256 of its first root metadata:</p>\n")
            .Append("<pre><code>registry source add NAME ").Append(Html
                .Text(url)).Append(" --root-sha256 ").Append(Html.Text(status.RootSha256)).Append("</code></pre>\n");
        if (baseUrl is null)
        {
            main.Append(
                "<p class=\"muted\">URL: where this registry is served (its public URL is not configured).</p>\n");
        }
        else
        {
            main.Append("<p>NuGet packages restore from its NuGet v3 feed:</p>\n<pre><code>dotnet nuget add source ")
                .Append(Html.Text(baseUrl)).Append("nuget/v3/index.json --name NAME</code></pre>\n");
        }

        main.Append("</section>\n")
            .Append("<section aria-labelledby=\"status\" class=\"panel\">\n<h2 id=\"status\">Status</h2>\n<dl "
                + "class=\"facts\">\n")
            .Append(CultureInfo.InvariantCulture, $"<dt>Timestamp</dt><dd>version {status.TimestampVersion}, ")
            .Append(CultureInfo.InvariantCulture, $"expires {Html.Time(status.TimestampExpires)}</dd>\n")
            .Append(CultureInfo.InvariantCulture, $"<dt>Snapshot</dt><dd>version {status.SnapshotVersion}, ")
            .Append(CultureInfo.InvariantCulture, $"expires {Html.Time(status.SnapshotExpires)}</dd>\n")
            .Append(CultureInfo.InvariantCulture, $"<dt>Root</dt><dd>version {status.RootVersion}</dd>\n");
        if (state.Recent.Count > 0)
        {
            main.Append("<dt>Last publish</dt><dd>").Append(Html.Time(state.Recent[0].Published)).Append("</dd>\n");
        }

        main.Append("</dl>\n<p class=\"muted\">From the signed metadata this page was written from; <code>registry "
            + "refresh</code> re-signs the timestamp without rewriting this page, so the expiry shown is the earliest "
            + "one clients may see.</p>\n</section>\n")
            .Append("<section aria-labelledby=\"recent\">\n<h2 id=\"recent\">Recent publishes</h2>\n");
        if (state.Recent.Count == 0)
        {
            main.Append("<p>Nothing published yet.</p>\n");
        }
        else
        {
            main.Append("<ul class=\"recent\">\n");
            foreach (var item in state.Recent)
            {
                main.Append("<li><a href=\"packages/").Append(Html.Attr(item.Name)).Append("/\">")
                    .Append(Html.Text(item.Name))
                    .Append("</a> ")
                    .Append(Html.Text(item.Version))
                    .Append(' ')
                    .Append(Html.Time(item.Published));
                if (item.Yanked)
                {
                    main.Append(" <span class=\"yanked\">yanked</span>");
                }

                main.Append("</li>\n");
            }

            main.Append("</ul>\n");
        }

        main.Append("</section>\n");
        return PageLayout.Page("", "Package registry", main.ToString());
    }

    [GeneratedRegex("<li><a href=\"packages/(?<name>[^\"/<]*)/\">[^<]*</a> (?<version>[^ <]*) <time "
        + "datetime=\"(?<time>[^\"]*)\">[^<]*</time>(?<yanked> <span class=\"yanked\">yanked</span>)?</li>")]
    private static partial Regex RecentItem();

    public static string Shorten(string text, int most)
        => text.Length <= most ? text : string.Concat(text.AsSpan(0, most - 1), "…");
}

/// <summary>The search page (<c>search/index.html</c>): the form, an empty live region, the search script.</summary>
internal static class SearchPage
{
    public const string Key = "search/index.html";

    public static byte[] Render() => PageLayout.Page(
        "../",
        "Search packages",
        "<h1>Search packages</h1>\n<div id=\"search-results\" aria-live=\"polite\"></div>\n"
        + "<noscript><p>Search runs in your browser and needs JavaScript. Every package page works without it: browse "
        + "the <a href=\"../\">recent publishes</a>.</p></noscript>\n",
        script: SiteAssets.Search.Key);
}
