using System.Text.Json;

namespace Registry.Search;

/// <summary>A package's record in a shard: what a result shows.</summary>
/// <summary>A package's record in a shard: what a result shows (<see cref="NuGetId"/>: the id as spelt, for a NuGet
/// package).</summary>
public sealed record ShardPackage(string Name, string Version, string Description, string? NuGetId = null);

/// <summary>
/// One shard of the search index (<c>search/v1/shards/KEY.json</c>): every indexed word whose
/// first three letters or digits are KEY, each with the packages it finds, best first, and one
/// record per package named (version and shortened description), so a query needs no other file.
/// Format (arrays, not objects, so that no package name is ever a JavaScript property name):
/// <c>{"v":1,"key":"plu","packages":[["plug","1.2.0","desc"(,"NuGet.Id")],...],"words":[["plug",[0,3]],...]}</c>,
/// words sorted, packages sorted by name, postings as indexes into packages.
/// </summary>
public sealed class SearchShard
{
    public const int FormatVersion = 1;

    /// <summary>Most packages one word lists (the best by <see cref="SearchText.Tier"/>, then the shortest
    /// names).</summary>
    public const int MaxPerWord = 50;

    /// <summary>Most packages one word lists that it finds only by their description (the name matches come first, up
    /// to <see cref="MaxPerWord"/>).</summary>
    public const int MaxDescribedPerWord = 20;

    /// <summary>A shard's largest size: three shards, a query's most, stay under 100 KB.</summary>
    public const int MaxBytes = 32 * 1024;

    public SearchShard(string key)
    {
        Key = key;
    }

    public string Key { get; }

    public SortedDictionary<string, ShardPackage> Packages { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, List<string>> Words { get; } = new(StringComparer.Ordinal);

    /// <summary>Removes a package from every word and its record.</summary>
    public void Remove(string name)
    {
        Packages.Remove(name);
        foreach (var word in Words.Keys.ToList())
        {
            if (Words[word].Remove(name) && Words[word].Count == 0)
            {
                Words.Remove(word);
            }
        }
    }

    /// <summary>Adds a package under those of its words that fall in this shard (after <see cref="Remove"/>).</summary>
    public void Add(SearchEntry entry) => Add(entry, sort: true);

    /// <summary>Puts every word's packages in rank order (after adding many with <c>sort: false</c>).</summary>
    public void Sort()
    {
        foreach (var (word, names) in Words)
        {
            names.Sort((a, b) => Rank(word, a, b));
        }
    }

    /// <summary>Adds a package; a bulk build adds unsorted and calls <see cref="Sort"/> once.</summary>
    public void Add(SearchEntry entry, bool sort)
    {
        var added = false;
        foreach (var word in entry.Words.Where(w => SearchText.KeyOf(w) == Key))
        {
            if (!Words.TryGetValue(word, out var names))
            {
                Words[word] = names = [];
            }

            if (!names.Contains(entry.Name))
            {
                names.Add(entry.Name);
                if (sort)
                {
                    names.Sort((a, b) => Rank(word, a, b));
                }
            }

            added = true;
        }

        if (added)
        {
            Packages[entry.Name] = new ShardPackage(entry.Name, entry.Version, entry.Description, entry.NuGetId);
        }
    }

    /// <summary>The order of a word's packages: the name itself, then a run of a name, then descriptions; shorter names
    /// first, then by name.</summary>
    public static int Rank(string word, string a, string b)
    {
        var tier = SearchText.Tier(a, word).CompareTo(SearchText.Tier(b, word));
        return tier != 0 ? tier : a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }

    /// <summary>
    /// The shard's bytes within its bounds: each word keeps its best <see cref="MaxPerWord"/> packages;
    /// while the file is over <see cref="MaxBytes"/>, the packages a word finds only by description
    /// are cut further (the packages whose name is or holds the word are kept, so an exact name stays
    /// findable); packages no word keeps are dropped. The shard itself is trimmed the same way, so
    /// what is stored is what this object holds.
    /// </summary>
    public byte[] ToBoundedJson()
    {
        for (var cap = MaxPerWord; ; cap = cap > 10 ? cap - 5 : cap - 1)
        {
            var bytes = Serialize(cap);
            if (bytes.Length <= MaxBytes)
            {
                Trim(cap);
                return bytes;
            }

            if (cap == 1)
            {
                Trim(cap);
                return DropWordsToFit();
            }
        }
    }

    /// <summary>
    /// Past one package a word and still too big (thousands of words in one key): drops whole words,
    /// description words before names, longest first, until the shard fits.
    /// </summary>
    private byte[] DropWordsToFit()
    {
        var order = Words.Keys
            .OrderBy(w => Words[w].Any(n => SearchText.Tier(n, w) < 2) ? 1 : 0)
            .ThenByDescending(w => w.Length)
            .ThenByDescending(w => w, StringComparer.Ordinal)
            .ToList();
        var bytes = Serialize(1);
        for (var i = 0; bytes.Length > MaxBytes && i < order.Count;)
        {
            var step = Math.Max(1, (order.Count - i) / 20);
            foreach (var word in order.Skip(i).Take(step))
            {
                Words.Remove(word);
            }

            i += step;
            Trim(1);
            bytes = Serialize(1);
        }

        return bytes;
    }

    /// <summary>
    /// How many of a word's packages (in rank order) a cap keeps: at most <see cref="MaxPerWord"/>,
    /// and of those every one whose name is or holds the word, then description matches up to the cap.
    /// </summary>
    private static int Kept(string word, List<string> names, int cap)
    {
        var named = 0;
        while (named < names.Count && named < MaxPerWord && SearchText.Tier(names[named], word) < 2)
        {
            named++;
        }

        return Math.Min(names.Count, Math.Min(MaxPerWord, Math.Max(named, Math.Min(cap, named + MaxDescribedPerWord))));
    }

    private void Trim(int cap)
    {
        foreach (var (word, names) in Words)
        {
            var keep = Kept(word, names, cap);
            if (names.Count > keep)
            {
                names.RemoveRange(keep, names.Count - keep);
            }
        }

        var kept = Words.Values.SelectMany(n => n).ToHashSet(StringComparer.Ordinal);
        foreach (var name in Packages.Keys.Where(n => !kept.Contains(n)).ToList())
        {
            Packages.Remove(name);
        }
    }

    private byte[] Serialize(int cap)
    {
        var kept = Words.SelectMany(w => w.Value.Take(Kept(w.Key, w.Value, cap))).ToHashSet(StringComparer.Ordinal);
        var packages = Packages.Values.Where(p => kept.Contains(p.Name)).ToList();
        var position = packages.Select((p, i) => (p.Name, i))
            .ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // The default encoder escapes <, >, &, ' and non-ASCII: a shard opened as a page shows no markup.
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteString("key", Key);
            writer.WriteStartArray("packages");
            foreach (var package in packages)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(package.Name);
                writer.WriteStringValue(package.Version);
                writer.WriteStringValue(package.Description);
                if (package.NuGetId is { } id)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("words");
            foreach (var (word, names) in Words)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(word);
                writer.WriteStartArray();
                foreach (var name in names.Take(Kept(word, names, cap)))
                {
                    writer.WriteNumberValue(position[name]);
                }

                writer.WriteEndArray();
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a stored shard; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SearchShard Parse(ReadOnlySpan<byte> bytes, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != FormatVersion)
            {
                throw new FormatException($"format version {root.GetProperty("v")} is not {FormatVersion}");
            }

            if (root.GetProperty("key").GetString() != key)
            {
                throw new FormatException(
                    $"holds key '{root.GetProperty("key").GetString()}', its file name says '{key}'");
            }

            var shard = new SearchShard(key);
            var names = new List<string>();
            foreach (var item in root.GetProperty("packages").EnumerateArray())
            {
                var package = new ShardPackage(
                    item[0].GetString()!,
                    item[1].GetString()!,
                    item[2].GetString()!,
                    item.GetArrayLength() > 3 ? item[3].GetString() : null);
                names.Add(package.Name);
                if (!shard.Packages.TryAdd(package.Name, package))
                {
                    throw new FormatException($"lists package '{package.Name}' twice");
                }
            }

            foreach (var item in root.GetProperty("words").EnumerateArray())
            {
                var word = item[0].GetString()!;
                if (SearchText.KeyOf(word) != key)
                {
                    throw new FormatException($"word '{word}' belongs in shard '{SearchText.KeyOf(word)}'");
                }

                shard.Words[word] = item[1].EnumerateArray().Select(i => names[i.GetInt32()]).ToList();
            }

            return shard;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException
            or IndexOutOfRangeException or ArgumentOutOfRangeException or NullReferenceException)
        {
            throw new FormatException($"not a search shard ({e.Message})", e);
        }
    }
}
