using System.Text;

namespace Registry.Site.Internal;

/// <summary>
/// The frame every page shares: landmarks (banner, search, main, contentinfo), a skip link as the
/// first stop of the keyboard, the search form, the stylesheet. <c>root</c> is the
/// relative path back to the site's root ("" on the home page, "../../" on a package page), so the
/// site works under any base URL and on a mirror unchanged. No inline script or style.
/// </summary>
internal static class PageLayout
{
    public static byte[] Page(string root, string title, string main, string? script = null, string mainAttributes = "")
    {
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(Html.Text(title)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(root).Append(SiteAssets.Css.Key).Append("\">\n")
            .Append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Recent publishes\" href=\"").Append(
                root).Append("feed.xml\">\n");
        if (script is not null)
        {
            html.Append("<script src=\"").Append(root).Append(script).Append("\" defer></script>\n");
        }

        html.Append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
            .Append("<header>\n<nav aria-label=\"Site\">\n<a class=\"brand\" href=\"").Append(
                root.Length == 0 ? "./" : root).Append("\">Package registry</a>\n")
            .Append("<form id=\"search-form\" role=\"search\" action=\"").Append(root).Append(
                "search/\" method=\"get\">")
            .Append("<label for=\"search-input\">Search packages</label>")
            .Append("<input id=\"search-input\" name=\"q\" type=\"search\" placeholder=\"name or words\" "
                + "autocomplete=\"off\" spellcheck=\"false\">")
            .Append("<button type=\"submit\">Search</button></form>\n</nav>\n</header>\n")
            .Append("<main id=\"main\" tabindex=\"-1\"").Append(mainAttributes).Append(">\n")
            .Append(main)
            .Append("</main>\n<footer>\n<p>Every page here is derived from the registry's signed index; clients verify "
                + "the signed metadata itself. ")
            .Append("<a href=\"").Append(root).Append(
                "feed.xml\">Recent publishes (Atom)</a></p>\n</footer>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }
}
