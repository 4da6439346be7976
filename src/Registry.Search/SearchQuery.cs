using Registry.Core.Storage;

namespace Registry.Search;

/// <summary>One search result.</summary>
public sealed record SearchResult(string Name, string Version, string Description, string? NuGetId);

/// <summary>A query's results and what it cost.</summary>
public sealed record SearchAnswer(IReadOnlyList<SearchResult> Results, int Files, long Bytes);

/// <summary>
/// Answers a query from the shards, as the search page's script does: the query's terms are its
/// whitespace-separated words; the first <see cref="MaxShards"/> distinct shard keys are fetched;
/// a package matches a term when one of its words starts with the term (terms under three letters
/// or digits match whole words only), or, for terms past those shards, when its name or shown
/// description does; every term must match. Best first: the exact name, then names starting with
/// the query, then by how each term matched (name, run of the name, description), shorter names first.
/// </summary>
public static class SearchQuery
{
    public const int MaxShards = 3;

    public static IReadOnlyList<string> Terms(string query) =>
        SearchText.Fold(query).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(t => SearchText.KeyOf(t) is not null)
            .ToList();

    /// <summary>Fetches the shards a query needs from <paramref name="reader"/> (a store, or a registry over HTTP) and
    /// answers it.</summary>
    public static async Task<SearchAnswer> RunAsync(
        IObjectReader reader,
        string query,
        int limit,
        CancellationToken cancellationToken)
    {
        var terms = Terms(query);
        var shards = new Dictionary<string, SearchShard>(StringComparer.Ordinal);
        var files = 0;
        long bytes = 0;
        foreach (var key in terms.Select(t => SearchText.KeyOf(t)!).Distinct(StringComparer.Ordinal).Take(MaxShards))
        {
            var stored = await reader.GetCappedOrNullAsync(
                SearchLayout.ShardKey(key),
                4L * SearchShard.MaxBytes,
                cancellationToken).ConfigureAwait(false);
            files++;
            if (stored is null)
            {
                continue;
            }

            bytes += stored.Content.LongLength;
            try
            {
                shards[key] = SearchShard.Parse(stored.Content, key);
            }
            catch (FormatException e)
            {
                throw new Registry.Core.VerificationException(
                    $"{reader.Location.TrimEnd('/')}/{SearchLayout.ShardKey(key)}: {e.Message}",
                    e);
            }
        }

        return new SearchAnswer(Answer(query, shards, limit), files, bytes);
    }

    /// <summary>Ranks the packages of fetched shards against a query.</summary>
    public static IReadOnlyList<SearchResult> Answer(
        string query,
        IReadOnlyDictionary<string, SearchShard> shards,
        int limit)
    {
        var terms = Terms(query);
        if (terms.Count == 0)
        {
            return [];
        }

        var records = new Dictionary<string, ShardPackage>(StringComparer.Ordinal);
        foreach (var shard in shards.Values)
        {
            foreach (var (name, package) in shard.Packages)
            {
                records.TryAdd(name, package);
            }
        }

        var scores = records.Keys.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        foreach (var term in terms)
        {
            var best = new Dictionary<string, int>(StringComparer.Ordinal);
            if (shards.TryGetValue(SearchText.KeyOf(term)!, out var shard))
            {
                foreach (var (word, names) in shard.Words)
                {
                    // A term or word shorter than a shard key matches whole words only.
                    var exactOnly = SearchText.Length(term) < SearchText.KeyLength
                        || SearchText.Length(SearchText.KeyOf(word)!) < SearchText.KeyLength;
                    var matches = exactOnly ? word == term : word.StartsWith(term, StringComparison.Ordinal);
                    if (!matches)
                    {
                        continue;
                    }

                    foreach (var name in names)
                    {
                        var score = SearchText.Tier(name, word) * 2 + (word == term ? 0 : 1);
                        best[name] = Math.Min(best.GetValueOrDefault(name, int.MaxValue), score);
                    }
                }
            }

            foreach (var (name, package) in records)
            {
                if (!best.ContainsKey(name) && TextMatches(package, term))
                {
                    best[name] = 5;
                }
            }

            foreach (var name in scores.Keys.ToList())
            {
                scores[name] = best.TryGetValue(name, out var s) && scores[name] >= 0 ? scores[name] + s : -1;
            }
        }

        var whole = string.Join(' ', terms);
        return scores.Where(s => s.Value >= 0)
            .OrderBy(s => s.Key == whole ? 0 : s.Key.StartsWith(whole, StringComparison.Ordinal) ? 1 : 2)
            .ThenBy(s => s.Value)
            .ThenBy(s => s.Key.Length)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(s => records[s.Key])
            .Select(p => new SearchResult(p.Name, p.Version, p.Description, p.NuGetId))
            .ToList();
    }

    /// <summary>A term matches a record's text when a word of its name or shown description starts with it (or is it,
    /// for a short term).</summary>
    private static bool TextMatches(ShardPackage package, string term) =>
        package.Name.StartsWith(term, StringComparison.Ordinal)
        || SearchText.Tokens(package.Name + " " + package.Description).Any(w => SearchText.Length(term) < SearchText
            .KeyLength ? w == term : w.StartsWith(term, StringComparison.Ordinal));
}
