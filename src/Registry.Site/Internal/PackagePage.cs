using System.Globalization;
using System.Text;
using NuGet.Versioning;
using Registry.Core;
using Registry.Core.Index;

namespace Registry.Site.Internal;

/// <summary>
/// A package's page (<c>packages/NAME/index.html</c>) and a page per version
/// (<c>packages/NAME/VERSION/index.html</c>). Each version row carries <c>data-version</c>,
/// <c>data-yanked</c> and <c>data-sha256</c>, which <c>verify</c> compares with the signed index.
/// </summary>
internal static class PackagePage
{
    public static string Key(string name) => $"packages/{name}/index.html";

    public static string VersionKey(string name, string version)
        => $"packages/{name}/{VersionText(version)}/index.html";

    public static string BadgeKey(string name) => $"packages/{name}/badge.svg";

    public static string VersionText(string version) => RegistryLayout.VersionText(NuGetVersion.Parse(version));

    /// <summary>The version a new user should take: the highest stable one not yanked, else the highest not yanked,
    /// else the highest.</summary>
    public static IndexEntry Latest(PackageIndex index)
    {
        var ordered = index.Versions.OrderByDescending(e => NuGetVersion.Parse(e.Version)).ToList();
        return ordered.FirstOrDefault(e => !e.Yanked && !NuGetVersion.Parse(e.Version).IsPrerelease)
            ?? ordered.FirstOrDefault(e => !e.Yanked)
            ?? ordered[0];
    }

    public static byte[] Render(PackageIndex index, string? readme)
    {
        const string root = "../../";
        var latest = Latest(index);
        var name = index.Name;
        var main = new StringBuilder();
        main.Append("<h1>").Append(Html.Text(name)).Append("</h1>\n");
        if (!string.IsNullOrWhiteSpace(latest.Description))
        {
            main.Append("<p class=\"description\">").Append(Html.Text(latest.Description)).Append("</p>\n");
        }

        main.Append("<p>Latest version <strong>").Append(Html.Text(latest.Version)).Append("</strong>");
        if (latest.Yanked)
        {
            main.Append(" <span class=\"yanked\">(every version is yanked)</span>");
        }

        main.Append(" <img src=\"badge.svg\" alt=\"\" width=\"120\" height=\"20\"></p>\n");
        Install(main, name, latest);
        Facts(main, latest, root, VersionText(latest.Version) + "/");
        main.Append("<section aria-labelledby=\"versions\">\n<h2 id=\"versions\">Versions</h2>\n<table>\n<caption "
            + "class=\"muted\">")
            .Append(index.Versions.Count.ToString(CultureInfo
                .InvariantCulture)).Append(index.Versions.Count == 1 ? " version" : " versions")
            .Append(", newest first</caption>\n<thead><tr><th scope=\"col\">Version</th><th "
                + "scope=\"col\">Published</th><th scope=\"col\">State</th><th scope=\"col\">Size</th><th "
                + "scope=\"col\">Download</th></tr></thead>\n<tbody>\n");
        foreach (var entry in index.Versions.OrderByDescending(e => NuGetVersion.Parse(e.Version)))
        {
            var text = VersionText(entry.Version);
            main.Append("<tr data-version=\"").Append(Html.Attr(text)).Append("\" data-yanked=\"")
                .Append(entry.Yanked ? "true" : "false")
                .Append("\" data-sha256=\"")
                .Append(Html.Attr(entry.Sha256))
                .Append("\"><td><a href=\"")
                .Append(
                    Html.Attr(text))
                .Append("/\">")
                .Append(Html.Text(entry.Version))
                .Append("</a></td><td>")
                .Append(Html.Time(entry.Published))
                .Append("</td><td>");
            YankState(main, entry);
            main.Append("</td><td>").Append(Html.Size(entry.Length)).Append("</td><td><a href=\"").Append(root)
                .Append(Html.Attr(RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256)))
                .Append("\">")
                .Append(Html.Text(FileName(entry)))
                .Append("</a></td></tr>\n");
        }

        main.Append("</tbody>\n</table>\n</section>\n");
        main.Append("<section aria-labelledby=\"readme\" class=\"readme\">\n<h2 id=\"readme\">README</h2>\n")
            .Append(
                readme is null ? "<p class=\"muted\">This package has no README.</p>\n" : SafeMarkdown.ToHtml(readme))
            .Append("</section>\n");
        return PageLayout.Page(root, $"{name} {latest.Version}", main.ToString());
    }

    public static byte[] RenderVersion(PackageIndex index, IndexEntry entry)
    {
        const string root = "../../../";
        var name = index.Name;
        var text = VersionText(entry.Version);
        var main = new StringBuilder();
        main.Append("<p><a href=\"../\">All versions of ").Append(Html.Text(name)).Append("</a></p>\n")
            .Append("<h1>").Append(Html.Text(name)).Append(' ').Append(Html.Text(entry.Version)).Append("</h1>\n");
        if (entry.Yanked)
        {
            main.Append("<p class=\"yanked\">");
            YankState(main, entry);
            main.Append("</p>\n");
        }

        if (!string.IsNullOrWhiteSpace(entry.Description))
        {
            main.Append("<p class=\"description\">").Append(Html.Text(entry.Description)).Append("</p>\n");
        }

        Install(main, name, entry);
        Facts(main, entry, root, null);
        var attributes = $" data-version=\"{Html.Attr(text)}\" data-yanked=\"{(entry.Yanked ? "true" : "false")}\" "
            + $"data-sha256=\"{Html.Attr(entry.Sha256)}\"";
        return PageLayout.Page(root, $"{name} {entry.Version}", main.ToString(), mainAttributes: attributes);
    }

    private static void Install(StringBuilder main, string name, IndexEntry entry)
    {
        main.Append("<section aria-labelledby=\"install\">\n<h2 id=\"install\">Install</h2>\n<p>In a project's "
            + "<code>registry.json</code> dependencies, then <code>registry install</code>:</p>\n<pre><code>&quot;")
            .Append(Html.Text(name)).Append("&quot;: &quot;").Append(Html.Text(entry
                .Version)).Append("&quot;</code></pre>\n")
            .Append("<p>Or fetch it alone:</p>\n<pre><code>registry fetch ").Append(Html
                .Text(name)).Append('@').Append(Html.Text(entry.Version)).Append("</code></pre>\n");
        if (entry.NuGet is { } nuget)
        {
            main.Append("<p>With the NuGet feed as a source:</p>\n<pre><code>dotnet add package ").Append(
                Html.Text(nuget.Id)).Append(" --version ").Append(Html.Text(entry.Version)).Append("</code></pre>\n");
        }

        main.Append("</section>\n");
    }

    private static void Facts(StringBuilder main, IndexEntry entry, string root, string? versionLink)
    {
        main.Append("<section aria-labelledby=\"about\">\n<h2 id=\"about\">About ").Append(
            versionLink is null ? "this version" : "the latest version").Append("</h2>\n<dl class=\"facts\">\n");
        Fact(main, "License", entry.License is null ? null : Html.Text(entry.License));
        Fact(main, "Authors", entry.Authors is { Count: > 0 } authors ? Html.Text(string.Join(", ", authors)) : null);
        Fact(main, "Homepage", entry.Homepage is null ? null : Html.LinkOrText(entry.Homepage));
        Fact(main, "Repository", entry.Repository is null ? null : Html.LinkOrText(entry.Repository));
        Fact(main, "Published", Html.Time(entry.Published));
        Fact(main, "Size", Html.Size(entry.Length) + $" ({entry.Length.ToString(CultureInfo.InvariantCulture)} bytes)");
        Fact(main, "SHA-256", $"<span class=\"sha\">{Html.Text(entry.Sha256)}</span>");
        var artifact = Html.Attr(RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256));
        Fact(main, "Download", $"<a href=\"{root}{artifact}\">{Html.Text(FileName(entry))}</a>");
        if (versionLink is not null)
        {
            Fact(main, "Details", $"<a href=\"{Html.Attr(versionLink)}\">{Html.Text(entry.Version)}</a>");
        }

        main.Append("</dl>\n</section>\n")
            .Append("<section aria-labelledby=\"dependencies\">\n<h2 id=\"dependencies\">Dependencies</h2>\n");
        if (entry.Dependencies.Count == 0)
        {
            main.Append("<p>None.</p>\n");
        }
        else
        {
            main.Append("<ul>\n");
            foreach (var (dependency, range) in entry.Dependencies)
            {
                // A dependency pinned to another registry links to that registry's site, and says which one.
                var pin = entry.DependencyRegistries?.GetValueOrDefault(dependency);
                main.Append("<li><a href=\"").Append(pin is null ? root : Html.Attr(pin.Url)).Append("packages/")
                    .Append(Html.Attr(dependency))
                    .Append("/\">")
                    .Append(Html.Text(dependency))
                    .Append("</a> <code>")
                    .Append(Html.Text(range))
                    .Append("</code>")
                    .Append(
                        pin is null ? "" : " from " + Html.Text(pin.Url))
                    .Append("</li>\n");
            }

            main.Append("</ul>\n");
        }

        main.Append("</section>\n");
    }

    private static void Fact(StringBuilder main, string term, string? html)
    {
        if (html is not null)
        {
            main.Append("<dt>").Append(term).Append("</dt><dd>").Append(html).Append("</dd>\n");
        }
    }

    private static void YankState(StringBuilder main, IndexEntry entry)
    {
        if (!entry.Yanked)
        {
            main.Append("available");
            return;
        }

        main.Append("<span class=\"yanked\">yanked</span>");
        if (!string.IsNullOrWhiteSpace(entry.YankedReason))
        {
            main.Append(": <span class=\"reason\">").Append(Html.Text(entry.YankedReason)).Append("</span>");
        }
    }

    private static string FileName(IndexEntry entry) => entry.Artifact[(entry.Artifact.LastIndexOf('/') + 1)..];
}
