using System.Security.Cryptography;

namespace Registry.Testing;

/// <summary>The proof that a command wrote nothing: every file and folder under a store's root with its sha256, hidden
/// files included.</summary>
public static class StoreDigest
{
    /// <summary>Relative path to sha256 (hex) or "folder"; compare two with <c>Assert.Equal</c>.</summary>
    public static Dictionary<string, string> Of(string root) =>
        Directory.EnumerateFileSystemEntries(
            root,
            "*",
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(
                f => Path.GetRelativePath(root, f),
                f => Directory.Exists(f) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))),
                StringComparer.Ordinal);
}
