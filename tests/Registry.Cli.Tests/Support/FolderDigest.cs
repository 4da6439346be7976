using System.Security.Cryptography;

namespace Registry.Cli.Tests.Support;

/// <summary>
/// Every file and folder under a root, hidden ones included, with each file's sha256: two equal
/// digests mean nothing was written, created or removed (locks and probes included).
/// </summary>
public static class FolderDigest
{
    public static Dictionary<string, string> Of(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Directory.Exists(f) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);
}
