using NuGet.Versioning;
using Registry.Core.Index;

namespace Registry.Search;

/// <summary>
/// How text becomes search words, shared by the writer, the CLI and (mirrored line for line) the
/// page's script: lowercase ASCII letter and digit runs; a package's words are its full name, the
/// runs of its name and the runs of its description (2 to 32 characters, no stop words, at most
/// <see cref="MaxDescriptionWords"/>). A word lives in the shard named by its first three letters or
/// digits (<see cref="KeyOf"/>), so a query term finds its shard without any manifest.
/// </summary>
public static class SearchText
{
    /// <summary>Characters of a word that name its shard.</summary>
    public const int KeyLength = 3;

    /// <summary>Longest description word indexed; longer runs (hashes, base64) are skipped.</summary>
    public const int MaxWordLength = 32;

    /// <summary>Distinct description words indexed per package: a hostile description cannot touch every shard.</summary>
    public const int MaxDescriptionWords = 64;

    /// <summary>Description characters kept in a shard's record (the package page has the rest).</summary>
    public const int MaxDescriptionChars = 140;

    /// <summary>English words too common to search by (the script holds the same list).</summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "with", "your", "you",
    };

    /// <summary>Runs of ASCII letters and digits, lowercased.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var alnum = i < text.Length && IsWordChar(text[i]);
            if (alnum && start < 0)
            {
                start = i;
            }
            else if (!alnum && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    /// <summary>The shard key of a word or query term: its first three letters or digits, lowercased; null when it has none.</summary>
    public static string? KeyOf(string word)
    {
        Span<char> key = stackalloc char[KeyLength];
        var length = 0;
        foreach (var c in word)
        {
            if (IsWordChar(c))
            {
                key[length++] = char.ToLowerInvariant(c);
                if (length == KeyLength)
                {
                    break;
                }
            }
        }

        return length == 0 ? null : new string(key[..length]);
    }

    /// <summary>How well a package name matches a word: 0 the name itself, 1 a run of the name, 2 only the description.</summary>
    public static int Tier(string name, string word) =>
        name == word ? 0 : Tokens(name).Contains(word, StringComparer.Ordinal) ? 1 : 2;

    /// <summary>
    /// What search shows and indexes of a package: its newest listed version (the highest stable
    /// one, else the highest pre-release; yanked versions are skipped) with that version's
    /// description; null when every version is yanked (a package with nothing to install is not a result).
    /// </summary>
    public static SearchEntry? EntryOf(PackageIndex index)
    {
        var listed = index.Versions.Where(v => !v.Yanked).Select(v => (Entry: v, Version: NuGetVersion.Parse(v.Version))).ToList();
        if (listed.Count == 0)
        {
            return null;
        }

        var stable = listed.Where(v => !v.Version.IsPrerelease).ToList();
        var newest = (stable.Count > 0 ? stable : listed).MaxBy(v => v.Version);
        var description = newest.Entry.Description ?? "";
        var words = new SortedSet<string>(StringComparer.Ordinal) { index.Name };
        words.UnionWith(Tokens(index.Name));
        var described = 0;
        foreach (var token in Tokens(description))
        {
            if (described >= MaxDescriptionWords)
            {
                break;
            }

            if (token.Length >= 2 && token.Length <= MaxWordLength && !StopWords.Contains(token) && words.Add(token))
            {
                described++;
            }
        }

        return new SearchEntry(index.Name, newest.Entry.Version, Shorten(description), words)
        {
            NuGetId = newest.Entry.NuGet?.Id,
            Published = newest.Entry.Published,
        };
    }

    /// <summary>Every description word any version of a package ever had (for the audit: stale is a warning, never-said is an error).</summary>
    public static ISet<string> EverSaid(PackageIndex index)
    {
        var words = new HashSet<string>(StringComparer.Ordinal) { index.Name };
        words.UnionWith(Tokens(index.Name));
        foreach (var entry in index.Versions)
        {
            words.UnionWith(Tokens(entry.Description ?? ""));
        }

        return words;
    }

    /// <summary>A description cut to <see cref="MaxDescriptionChars"/> at a word boundary, with an ellipsis when cut.</summary>
    public static string Shorten(string description)
    {
        var text = string.Join(' ', description.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= MaxDescriptionChars)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxDescriptionChars - 1);
        var end = cut > MaxDescriptionChars / 2 ? cut : MaxDescriptionChars - 1;
        if (char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return text[..end] + "\u2026";
    }

    private static bool IsWordChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}

/// <summary>A package as search indexes it: its name, newest listed version, shortened description and words.</summary>
public sealed record SearchEntry(string Name, string Version, string Description, IReadOnlySet<string> Words)
{
    /// <summary>The NuGet id as spelt, when the version is a .nupkg.</summary>
    public string? NuGetId { get; init; }

    /// <summary>When the version shown was published.</summary>
    public DateTimeOffset Published { get; init; }

    /// <summary>The shard keys this package's words fall in.</summary>
    public IReadOnlySet<string> Keys => Words.Select(SearchText.KeyOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
