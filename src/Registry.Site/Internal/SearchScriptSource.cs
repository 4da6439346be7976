using System.Text;

namespace Registry.Site.Internal;

/// <summary>
/// The search page's script bytes.
/// TODO(issue 18, search half): replace with <c>Registry.Search.SearchAssets.Script</c> (byte[]) once
/// Registry.Search is merged; the site writes it as <c>assets/search.SHA.js</c> and the search page
/// loads it with <c>&lt;script src defer&gt;</c>. Contract: the script reads <c>?q=</c>, fills
/// <c>#search-input</c>, and renders results into <c>#search-results</c> (aria-live) as links to
/// <c>../packages/NAME/</c>. This placeholder only fills the box and says search is not built yet.
/// </summary>
internal static class SearchScriptSource
{
    public static byte[] Script { get; } = Encoding.UTF8.GetBytes("""
        "use strict";
        (function () {
          var q = new URLSearchParams(window.location.search).get("q") || "";
          var input = document.getElementById("search-input");
          if (input) { input.value = q; }
          var results = document.getElementById("search-results");
          if (results && q) { results.textContent = "Search results are not available in this build."; }
        })();
        """);
}
