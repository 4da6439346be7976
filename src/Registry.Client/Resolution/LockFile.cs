using System.Text.Json;
using System.Text.Json.Serialization;
using NuGet.Versioning;
using Registry.Core;

namespace Registry.Client.Resolution;

/// <summary>
/// <c>registry.lock</c>: the exact versions a project installs, with each artifact's path,
/// length and sha256, so an install from it is reproducible and verifiable offline.
/// </summary>
public sealed record LockFile
{
    public const string FileName = "registry.lock";

    [JsonPropertyName("lock_version")]
    public int LockVersion { get; init; } = 1;

    [JsonPropertyName("packages")]
    public required SortedDictionary<string, LockedPackage> Packages { get; init; }

    /// <summary>Whether the locked set satisfies the manifest and its own dependencies (so nothing needs resolving).</summary>
    public bool Satisfies(IReadOnlyDictionary<string, VersionRange> dependencies) =>
        dependencies.All(d => Packages.TryGetValue(d.Key, out var p) && d.Value.Satisfies(NuGetVersion.Parse(p.Version)))
        && Packages.Values.All(p => p.Dependencies.All(d => Packages.TryGetValue(d.Key, out var q) && VersionRange.Parse(d.Value).Satisfies(NuGetVersion.Parse(q.Version))));

    public static LockFile? ReadOrNull(string projectDirectory)
    {
        var path = Path.Combine(projectDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), LockJsonContext.Default.LockFile);
        }
        catch (JsonException e)
        {
            throw new ValidationException("lock-invalid", $"{path}: not a valid lock file ({e.Message}); delete it to resolve again");
        }
    }

    public void Write(string projectDirectory) =>
        RegistryHome.WriteAtomically(Path.Combine(projectDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, LockJsonContext.Default.LockFile));
}

public sealed record LockedPackage
{
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("artifact")]
    public required string Artifact { get; init; }

    [JsonPropertyName("length")]
    public required long Length { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("dependencies")]
    public required SortedDictionary<string, string> Dependencies { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LockFile))]
internal sealed partial class LockJsonContext : JsonSerializerContext
{
}
