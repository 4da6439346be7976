using Registry.Core;

namespace Registry.Search;

/// <summary>Where the search index's files live (all fixed URLs that change, served with the timestamp's short
/// max-age).</summary>
public static class SearchLayout
{
    public const string Root = RegistryLayout.SearchViewRoot + "v1/";

    /// <summary>Folder of the query shards, <c>search/v1/shards/KEY.json</c>.</summary>
    public const string Shards = Root + "shards/";

    /// <summary>Folder of the per-package records, <c>search/v1/packages/NAME.json</c>: the shard keys a package was
    /// last indexed under.</summary>
    public const string Packages = Root + "packages/";

    public static string ShardKey(string key) => $"{Shards}{key}.json";

    public static string PackageKey(string name) => $"{Packages}{name}.json";
}
