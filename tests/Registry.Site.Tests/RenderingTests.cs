using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Registry.Site.Internal;
using Registry.Site.Tests.Support;

namespace Registry.Site.Tests;

/// <summary>Hostile README and field text rendered to markup that cannot run script or reach out.</summary>
public sealed class RenderingTests
{
    private const string Beacon = "http://127.0.0.1:9/beacon";

    [Fact]
    public void Readme_markdown_renders_without_script_event_attributes_or_unsafe_links()
    {
        var html = SafeMarkdown.ToHtml(Hostile.Readme(Beacon));
        var document = new HtmlParser().ParseDocument($"<!DOCTYPE html><html><body>{html}</body></html>");

        AssertInert(document);
        Assert.Empty(document.QuerySelectorAll("img")); // data: and http images become links; no image over https here
        Assert.Contains("<script>", document.Body!.TextContent, StringComparison.Ordinal); // shown as text, not run
        var hrefs = document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Contains("https://example.com/docs", hrefs);
        Assert.Contains("docs/usage.md", hrefs);
        Assert.Contains("mailto:me@example.com", hrefs);
        // the README's h1 moved under the page's h2
        Assert.Contains(
            document.QuerySelectorAll("h3"),
            h => h.TextContent.StartsWith("Evil <script>", StringComparison.Ordinal));
        Assert.Empty(document.QuerySelectorAll("h1, h2"));
    }

    [Theory]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("JAVASCRIPT:alert(1)", false)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData(" javascript:alert(1)", false)]
    [InlineData("data:text/html,x", false)]
    [InlineData("vbscript:x", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("https://example.com/a:b", true)]
    [InlineData("http://example.com", true)]
    [InlineData("mailto:a@b.c", true)]
    [InlineData("docs/a.md", true)]
    [InlineData("#section", true)]
    [InlineData("?q=a:b", true)]
    [InlineData("../x", true)]
    public void Readme_links_keep_only_http_https_mailto_and_relative(string url, bool kept) =>
        Assert.Equal(kept, SafeMarkdown.IsAllowedLink(url));

    [Fact]
    public void Text_and_attributes_escape_every_markup_character()
    {
        Assert.Equal("&lt;script&gt;&amp;&quot;&#39;", Html.Text("<script>&\"'"));
        Assert.Equal("--&gt;&lt;script&gt;", Html.Attr("--><script>"));
        Assert.Null(Html.SafeUrl("javascript:alert(1)"));
        Assert.Null(Html.SafeUrl("data:text/html,x"));
        Assert.Equal("https://example.com/%22onmouseover=%22x", Html.SafeUrl("https://example.com/\"onmouseover=\"x"));
        Assert.DoesNotContain("<a", Html.LinkOrText("javascript:alert(1)"), StringComparison.Ordinal);
    }

    [Fact]
    public void Badge_text_is_escaped_svg_without_script()
    {
        var svg = System.Text.Encoding.UTF8
            .GetString(VersionBadge.Render("a<script>", "1.0.0\"><script>alert(1)</script>", yanked: true));
        var document = System.Xml.Linq.XDocument.Parse(svg); // well-formed: nothing broke out
        Assert.DoesNotContain(document.Descendants(), e => e.Name.LocalName is "script" or "foreignObject" or "a");
        Assert.DoesNotContain(
            document.Descendants().SelectMany(e => e.Attributes()),
            a => a.Name.LocalName.StartsWith("on", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_longer_than_the_limit_is_cut_with_a_note()
    {
        var html = SafeMarkdown.ToHtml(new string('a', SafeMarkdown.MaxChars + 10));
        Assert.Contains("README shortened", html, StringComparison.Ordinal);
    }

    /// <summary>No element or attribute that runs script, loads a frame or plugin, or styles from the
    /// package.</summary>
    internal static void AssertInert(IDocument document, bool allowSiteScript = false)
    {
        foreach (var element in document.All)
        {
            Assert.False(element.LocalName is "iframe" or "object" or "embed" or "style" or "svg" or "math"
                or "base" or "meta" && element.ParentElement?.LocalName != "head",
                $"<{element.LocalName}> in the page: {element.OuterHtml}");
            if (element.LocalName == "script")
            {
                Assert.True(allowSiteScript && element.GetAttribute("src") is { } src
                    && src.Contains("assets/search.", StringComparison.Ordinal)
                    && element.TextContent.Length == 0,
                    $"a script element: {element.OuterHtml}");
            }

            foreach (var attribute in element.Attributes)
            {
                Assert.False(
                    attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase),
                    $"event attribute {attribute.Name} on <{element.LocalName}>");
                Assert.False(
                    attribute.Name is "style" or "srcdoc" or "formaction",
                    $"attribute {attribute.Name} on <{element.LocalName}>");
                if (attribute.Name is "href" or "src" or "action" or "xlink:href")
                {
                    Assert.True(
                        SafeMarkdown.IsAllowedLink(attribute.Value),
                        $"{attribute.Name}=\"{attribute.Value}\" on <{element.LocalName}>");
                }
            }
        }
    }
}
