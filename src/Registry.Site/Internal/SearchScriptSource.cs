namespace Registry.Site.Internal;

/// <summary>
/// The search page's script: the search view's (<c>Registry.Search.SearchAssets.Script</c>), written
/// by the site as <c>assets/search.SHA.js</c> and loaded by the search page with
/// <c>&lt;script src defer&gt;</c>. It reads <c>?q=</c>, fills <c>#search-input</c>, fetches the
/// search shards and renders results into <c>#search-results</c> (aria-live) as links to
/// <c>../packages/NAME/</c>; with the search view off, the page says search is not available.
/// </summary>
internal static class SearchScriptSource
{
    public static byte[] Script => Registry.Search.SearchAssets.Script;
}
