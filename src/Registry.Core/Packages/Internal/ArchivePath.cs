namespace Registry.Core.Packages.Internal;

/// <summary>
/// The path rule for archive entries: a relative '/'-separated path that stays inside the package
/// root. Checked on the raw name, before any normalisation could hide a trick.
/// </summary>
internal static class ArchivePath
{
    private const string Fix = "entries must be relative paths inside the archive";

    /// <summary>The entry's path with '.' and empty segments dropped ("" for the root itself).</summary>
    public static string Normalize(string name, string fileName)
    {
        var problem = Problem(name);
        if (problem is not null)
        {
            throw Reject.Because(fileName, Rules.ArchivePath, $"entry {Reject.Quote(name)} {problem}", Fix);
        }

        return string.Join('/', Segments(name));
    }

    /// <summary>
    /// Why a raw path is not a safe relative path, or null. Symlink targets may use '..'
    /// (<paramref name="allowParent"/>); <see cref="ArchiveTree"/> resolves them instead.
    /// </summary>
    public static string? Problem(string name, bool allowParent = false)
    {
        if (name.Length == 0)
        {
            return "has an empty name";
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL character";
        }

        if (name.Any(char.IsControl))
        {
            return "contains a control character";
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash (use '/' as the separator)";
        }

        if (name[0] == '/')
        {
            return "is an absolute path";
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return "starts with a drive letter";
        }

        return !allowParent && name.Split('/').Contains("..") ? "escapes the package root" : null;
    }

    /// <summary>The meaningful segments of a path: no '.' and no empty ones.</summary>
    public static IEnumerable<string> Segments(string path) =>
        path.Split('/').Where(s => s.Length > 0 && s != ".");

    /// <summary>Every proper ancestor of a normalised path: "a/b/c" gives "a" and "a/b".</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i >= 0; i = path.IndexOf('/', i + 1))
        {
            yield return path[..i];
        }
    }
}
