namespace Registry.Search;

/// <summary>The search page's files that the site serves content-addressed (<c>assets/search.SHA.js</c>).</summary>
public static class SearchAssets
{
    private static readonly Lazy<byte[]> LazyScript = new(() =>
    {
        using var stream = typeof(SearchAssets).Assembly.GetManifestResourceStream("Registry.Search.search.js")
            ?? throw new InvalidOperationException("the search script is not embedded in Registry.Search");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    /// <summary>
    /// The search page's script. Contract with the page (<c>search/index.html</c>): a
    /// <c>&lt;form id="search-form"&gt;</c> with <c>&lt;input id="search-input" name="q"&gt;</c> and
    /// <c>&lt;div id="search-results" aria-live="polite"&gt;</c>; loaded as <c>../assets/search.SHA.js</c>;
    /// reads <c>q</c> from the page's query string, fetches the shards relative to the site root
    /// (the page's parent folder) and renders links to <c>../packages/NAME/</c> with
    /// createElement and textContent only: no innerHTML, no eval, no inline script.
    /// </summary>
    public static byte[] Script => LazyScript.Value;
}
