using System.Security.Cryptography;
using System.Text;

namespace Registry.Site.Internal;

/// <summary>A content-addressed file of the site: <c>assets/NAME.SHA.EXT</c>, written once, cached for a
/// year.</summary>
internal sealed record Asset(string Key, byte[] Content)
{
    public static Asset Of(string name, string extension, byte[] content) =>
        new($"assets/{name}.{Convert.ToHexStringLower(SHA256.HashData(content))[..20]}.{extension}", content);
}

/// <summary>The site's stylesheet and search script.</summary>
internal static class SiteAssets
{
    public static Asset Css { get; } = Asset.Of("site", "css", Encoding.UTF8.GetBytes(Stylesheet));

    public static Asset Search { get; } = Asset.Of("search", "js", SearchScriptSource.Script);

    public static IReadOnlyList<Asset> All { get; } = [Css, Search];

    private const string Stylesheet = """
        :root {
            color-scheme: light; --fg: #1b1b1b; --muted: #4a4a4a; --link: #0b57d0; --bg: #ffffff; --panel: #f3f4f6;
            --warn: #8a1c00; --line: #d0d4da;
        }
        * { box-sizing: border-box; }
        body {
            margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
            background: var(--bg);
        }
        a { color: var(--link); }
        a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible {
            outline: 3px solid #ff9f1c; outline-offset: 2px;
        }
        .skip { position: absolute; left: -10000px; top: 0; background: var(--bg); padding: .5rem 1rem; }
        .skip:focus { left: 1rem; z-index: 10; }
        header { background: #101820; color: #fff; padding: .75rem 1rem; }
        header nav { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; max-width: 60rem; margin: 0 auto; }
        header a.brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 1.2rem; }
        form[role=search] { display: flex; gap: .5rem; align-items: center; flex: 1; }
        form[role=search] label { color: #fff; }
        form[role=search] input {
            flex: 1; min-width: 10rem; padding: .4rem .6rem; font: inherit; border: 1px solid var(--line);
            border-radius: 4px;
        }
        form[role=search] button {
            padding: .4rem .8rem; font: inherit; border-radius: 4px; border: 1px solid #fff; background: #fff;
            color: #101820; cursor: pointer;
        }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        footer {
            max-width: 60rem; margin: 2rem auto; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line);
        }
        pre, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; }
        pre {
            background: var(--panel); padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere;
            border-radius: 4px;
        }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .panel { background: var(--panel); padding: .75rem 1rem; border-radius: 6px; margin: 1rem 0; }
        .muted { color: var(--muted); }
        .yanked { color: var(--warn); font-weight: 600; }
        .sha { word-break: break-all; font-family: ui-monospace, monospace; font-size: .85em; }
        .readme { border-top: 1px solid var(--line); margin-top: 1rem; overflow-wrap: anywhere; }
        .readme img { max-width: 100%; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        ul.recent { list-style: none; padding: 0; }
        ul.recent li { padding: .4rem 0; border-bottom: 1px solid var(--line); }
        """;
}
