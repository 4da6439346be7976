using System.Globalization;
using System.Text;
using NuGet.Versioning;
using Registry.Core.Index;

namespace Registry.Search;

/// <summary>
/// How text becomes search words, shared by the writer, the CLI and (mirrored line for line) the
/// page's script: text is folded (<see cref="Fold"/>: full-width ASCII to ASCII, then lowercased
/// code point by code point), and words are runs of Unicode letters, combining marks and decimal digits; a package's
/// words are its full name, the runs of its name and the runs of its description (2 to 32 code
/// points, no stop words, at most <see cref="MaxDescriptionWords"/>). A word lives in the shard
/// named by its first three letters or digits (<see cref="KeyOf"/>), so a query term finds its
/// shard without any manifest. Lengths are counted in code points (as the script's
/// <c>Array.from</c>), never UTF-16 units. Text without spaces between words (Chinese, Japanese)
/// is one word per run: there is no word segmentation.
/// </summary>
public static class SearchText
{
    /// <summary>Characters of a word that name its shard.</summary>
    public const int KeyLength = 3;

    /// <summary>Longest description word indexed; longer runs (hashes, base64) are skipped.</summary>
    public const int MaxWordLength = 32;

    /// <summary>Distinct description words indexed per package: a hostile description cannot touch every
    /// shard.</summary>
    public const int MaxDescriptionWords = 64;

    /// <summary>Description characters kept in a shard's record (the package page has the rest).</summary>
    public const int MaxDescriptionChars = 140;

    /// <summary>English words too common to search by (the script holds the same list).</summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "that",
        "the", "this", "to", "with", "your", "you",
    };

    /// <summary>
    /// Text as search compares it: full-width ASCII forms (U+FF01-U+FF5E, as typed with CJK input
    /// methods) become ASCII, then each code point is lowercased on its own (invariant, no
    /// context), with the two mappings JavaScript's <c>toLowerCase</c> would make differently
    /// pinned: U+0130 (I with dot) becomes <c>i</c>, and final sigma <c>ς</c> becomes <c>σ</c>.
    /// Not NFKC: the CLI runs with <c>InvariantGlobalization</c>, where .NET's
    /// <see cref="string.Normalize()"/> changes nothing, and the page's script must fold exactly
    /// as the writer did; a decomposed accent (e + U+0301) stays two code points, both word characters.
    /// </summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsPlainAscii(text))
        {
            return text.ToLowerInvariant();
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var lower = rune.Value switch
            {
                >= 0xFF01 and <= 0xFF5E => Rune.ToLowerInvariant(new Rune(rune.Value - 0xFEE0)),
                0x130 => new Rune('i'),
                0x3C2 => new Rune(0x3C3),
                _ => Rune.ToLowerInvariant(rune),
            };
            builder.Append(lower.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Runs of letters, combining marks and decimal digits of the folded text.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var folded = Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length;)
        {
            var rune = i < folded.Length ? Rune.GetRuneAt(folded, i) : default;
            var word = i < folded.Length && IsWordRune(rune);
            if (word && start < 0)
            {
                start = i;
            }
            else if (!word && start >= 0)
            {
                yield return folded[start..i];
                start = -1;
            }

            i += i < folded.Length ? rune.Utf16SequenceLength : 1;
        }
    }

    /// <summary>The shard key of a word or query term: its first three letters, marks or digits (code points), folded;
    /// null when it has none.</summary>
    public static string? KeyOf(string word)
    {
        var key = new StringBuilder(KeyLength * 2);
        var length = 0;
        foreach (var rune in Fold(word).EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                key.Append(rune.ToString());
                if (++length == KeyLength)
                {
                    break;
                }
            }
        }

        return length == 0 ? null : key.ToString();
    }

    /// <summary>Code points in a word (what the length rules count).</summary>
    public static int Length(string word) => IsPlainAscii(word) ? word.Length : word.EnumerateRunes().Count();

    /// <summary>Whether a key is ASCII letters and digits only: the keys NuGet's edge rewrites can route to.</summary>
    public static bool IsAsciiKey(string key) => key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    /// <summary>How well a package name matches a word: 0 the name itself, 1 a run of the name, 2 only the
    /// description.</summary>
    public static int Tier(string name, string word) =>
        name == word ? 0 : Tokens(name).Contains(word, StringComparer.Ordinal) ? 1 : 2;

    /// <summary>
    /// What search shows and indexes of a package: its newest listed version (the highest stable
    /// one, else the highest pre-release; yanked versions are skipped) with that version's
    /// description; null when every version is yanked (a package with nothing to install is not a result).
    /// </summary>
    public static SearchEntry? EntryOf(PackageIndex index)
    {
        var listed = index.Versions.Where(v => !v.Yanked)
            .Select(v => (Entry: v, Version: NuGetVersion.Parse(v.Version)))
            .ToList();
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

            var length = Length(token);
            if (length >= 2 && length <= MaxWordLength && !StopWords.Contains(token) && words.Add(token))
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

    /// <summary>Every description word any version of a package ever had (for the audit: stale is a warning, never-said
    /// is an error).</summary>
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

    /// <summary>A description cut to <see cref="MaxDescriptionChars"/> at a word boundary, with an ellipsis when
    /// cut.</summary>
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

    /// <summary>A letter (L*), a combining mark (M*) or a decimal digit (Nd): the script's
    /// <c>[\p{L}\p{M}\p{Nd}]</c>.</summary>
    private static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber => true,
        _ => false,
    };

    private static bool IsPlainAscii(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0x80)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A package as search indexes it: its name, newest listed version, shortened description and words.</summary>
public sealed record SearchEntry(string Name, string Version, string Description, IReadOnlySet<string> Words)
{
    /// <summary>The NuGet id as spelt, when the version is a .nupkg.</summary>
    public string? NuGetId { get; init; }

    /// <summary>When the version shown was published.</summary>
    public DateTimeOffset Published { get; init; }

    /// <summary>The shard keys this package's words fall in.</summary>
    public IReadOnlySet<string> Keys
        => Words.Select(SearchText.KeyOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
