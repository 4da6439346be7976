namespace Registry.Core.Packages.Internal;

/// <summary>
/// The entries seen so far, by normalised path, to refuse duplicates and to check, once the whole
/// archive is known, that no link leads out of the root and no entry is written through a link.
/// </summary>
internal sealed class ArchiveTree(string fileName)
{
    private const int MaxLinkDepth = 40; // as Linux's MAXSYMLINKS

    // Links through links can branch: bound the total work so a crafted archive cannot make it exponential.
    private const int MaxResolveSteps = 1_000_000;
    private const string LinkFix = "links must point to a relative path inside the archive";

    // Case-insensitive: two names that differ only in case overwrite each other when unpacked on
    // Windows or macOS, so they are duplicates too.
    private readonly Dictionary<string, (string Raw, bool IsDirectory)> _entries = new(
        StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Raw, string Target)> _symlinks = new(StringComparer.OrdinalIgnoreCase);
    private int _resolveSteps;

    public void AddDirectory(string path, string raw)
    {
        if (_entries.TryGetValue(path, out var seen) && !seen.IsDirectory)
        {
            throw Duplicate(raw, seen.Raw);
        }

        _entries[path] = (raw, true);
    }

    public void AddFile(string path, string raw)
    {
        if (path.Length == 0)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchivePath,
                $"entry {Reject.Quote(raw)} names the archive root but is not a directory",
                "give every file a name");
        }

        if (_entries.TryGetValue(path, out var seen))
        {
            throw Duplicate(raw, seen.Raw);
        }

        _entries[path] = (raw, false);
    }

    public void AddSymlink(string path, string raw, string target)
    {
        var problem = ArchivePath.Problem(target, allowParent: true);
        if (problem is not null)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveLink,
                $"symlink {Reject.Quote(raw)} has a target {Reject.Quote(target)} that {problem}",
                LinkFix);
        }

        AddFile(path, raw);
        _symlinks[path] = (raw, target);
    }

    /// <summary>Records a hard link; returns its target's normalised path.</summary>
    public string AddHardLink(string path, string raw, string target)
    {
        // A hard link's target is an archive path (from the root), and must be a file stored earlier.
        var problem = ArchivePath.Problem(target);
        var targetPath = problem is null ? string.Join('/', ArchivePath.Segments(target)) : "";
        if (problem is not null || !_entries.TryGetValue(targetPath, out var seen) || seen.IsDirectory
            || _symlinks.ContainsKey(targetPath))
        {
            var why = problem is not null
                ? $"a target that {problem}"
                : "a target that is not a file stored earlier in the archive";
            throw Reject.Because(
                fileName,
                Rules.ArchiveLink,
                $"hard link {Reject.Quote(raw)} -> {Reject.Quote(target)} has {why}",
                LinkFix);
        }

        AddFile(path, raw);
        return string.Join('/', ArchivePath.Segments(seen.Raw)); // as stored: the lookup ignores case
    }

    /// <summary>The checks that need the whole archive: links resolved through links, entries under links or
    /// files.</summary>
    public void CheckComplete()
    {
        foreach (var (path, (raw, _)) in _entries)
        {
            foreach (var ancestor in ArchivePath.Ancestors(path))
            {
                if (_symlinks.TryGetValue(ancestor, out var link))
                {
                    throw Reject.Because(
                        fileName,
                        Rules.ArchiveLink,
                        $"entry {Reject.Quote(raw)} is written through the symlink {Reject.Quote(link.Raw)}",
                        "store files under real directories, not under links");
                }

                if (_entries.TryGetValue(ancestor, out var parent) && !parent.IsDirectory)
                {
                    throw Reject.Because(
                        fileName,
                        Rules.ArchivePath,
                        $"entry {Reject.Quote(raw)} is inside {Reject.Quote(parent.Raw)}, which is a file",
                        "a path cannot be both a file and a directory");
                }
            }
        }

        foreach (var (path, (raw, target)) in _symlinks)
        {
            var directory = new List<string>(ArchivePath.Segments(path).SkipLast(1));
            if (!Resolve(directory, target, 0))
            {
                throw Reject.Because(fileName, Rules.ArchiveLink, $"symlink {Reject.Quote(raw)} -> "
                    + $"{Reject.Quote(target)} leads outside the package root (or loops, or chains through too many "
                    + "links)", LinkFix);
            }
        }
    }

    // Walks a link target from 'stack' (the directory it is relative to) the way the OS would,
    // following links met on the way; false when it climbs above the root or loops.
    private bool Resolve(List<string> stack, string target, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            return false;
        }

        foreach (var segment in target.Split('/'))
        {
            if (++_resolveSteps > MaxResolveSteps)
            {
                return false;
            }

            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (stack.Count == 0)
                {
                    return false;
                }

                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            stack.Add(segment);
            if (_symlinks.TryGetValue(string.Join('/', stack), out var next))
            {
                stack.RemoveAt(stack.Count - 1);
                if (!Resolve(stack, next.Target, depth + 1))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private ValidationException Duplicate(string raw, string earlier) =>
        Reject.Because(
            fileName,
            Rules.ArchiveDuplicate,
            $"entry {Reject.Quote(raw)} repeats {Reject.Quote(earlier)}",
            "store each path once (names that differ only in case count as the same)");
}
