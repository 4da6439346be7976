using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Registry.Site.Internal;

/// <summary>
/// A package's README (hostile input) as HTML: CommonMark with a few table and list extensions,
/// raw HTML disabled (shown as text, never parsed), no attribute syntax (Markdig's generic
/// attributes would let <c>{onclick=...}</c> through), links kept only when http, https, mailto
/// or relative, images only over https (others become links under the same rule), headings
/// moved down under the page's own.
/// </summary>
internal static class SafeMarkdown
{
    /// <summary>More README than this is cut (a page stays small; the package has it all).</summary>
    public const int MaxChars = 256 * 1024;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .Build();

    public static string ToHtml(string markdown, int headingShift = 2)
    {
        var cut = markdown.Length > MaxChars;
        var document = Markdown.Parse(cut ? markdown[..MaxChars] : markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + headingShift);
        }

        foreach (var link in document.Descendants<LinkInline>())
        {
            if (link.IsImage && !IsHttps(link.Url))
            {
                link.IsImage = false;
            }

            if (!IsAllowedLink(link.Url))
            {
                link.Url = "#";
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>())
        {
            if (!IsAllowedLink(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url))
            {
                autolink.Url = "#";
                autolink.IsEmail = false;
            }
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return cut
            ? writer + "<p><em>(README shortened: it is longer than this page shows.)</em></p>\n"
            : writer.ToString();
    }

    /// <summary>http, https, mailto, or a relative reference (no scheme); nothing with control characters or spaces a
    /// browser would strip.</summary>
    internal static bool IsAllowedLink(string? url)
    {
        if (url is null)
        {
            return true;
        }

        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\'))
        {
            return false;
        }

        var end = url.IndexOfAny(['/', '?', '#']);
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || (end >= 0 && end < colon))
        {
            return true; // relative: path, query or fragment
        }

        var scheme = url[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private static bool IsHttps(string? url) =>
        url is not null && IsAllowedLink(url) && url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
