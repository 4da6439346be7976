using System.Text.Json;
using System.Text.Json.Serialization;
using NuGet.Versioning;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Storage;

namespace Registry.Client.Resolution;

/// <summary>
/// <c>registry.lock</c>: the exact versions a project installs, with each artifact's path,
/// length and sha256, so an install from it is reproducible and verifiable offline. A lock file
/// is input a user (or an attacker's pull request) can edit: <see cref="ReadOrNull"/> checks every
/// field before anything uses it, names with the same rule as publish (<see cref="PackageName"/>).
/// Each package records the registry it came from (URL and root sha256); a lock written before
/// that field, or a package without it, is from the project's source.
/// </summary>
public sealed record LockFile
{
    public const string FileName = "registry.lock";

    [JsonPropertyName("lock_version")]
    public int LockVersion { get; init; } = 1;

    [JsonPropertyName("packages")]
    public required SortedDictionary<string, LockedPackage> Packages { get; init; }

    /// <summary>
    /// Whether the locked set satisfies the manifest and its own dependencies (so nothing needs
    /// resolving), each package from the registry the resolver would read it from: the project's
    /// own from <paramref name="home"/>, a dependency from the registry its dependent pins, else
    /// from its dependent's registry.
    /// </summary>
    public bool Satisfies(IReadOnlyDictionary<string, VersionRange> dependencies, RegistryPin home) =>
        dependencies.All(d => Packages.TryGetValue(d.Key, out var p)
            && Resolver.Allows(d.Value, NuGetVersion.Parse(p.Version))
            && (p.Registry ?? home) == home)
        && Packages.Values.All(p => p.Dependencies.All(d => Packages.TryGetValue(d.Key, out var q)
            && Resolver.Allows(VersionRange.Parse(d.Value), NuGetVersion.Parse(q.Version))
            && (q.Registry ?? home) == (p.DependencyRegistries?.GetValueOrDefault(d.Key) ?? p.Registry ?? home)));

    /// <summary>
    /// The part of this lock reachable from <paramref name="dependencies"/> through the locked
    /// packages' own dependencies: exactly the graph the project needs, versions unchanged.
    /// </summary>
    public LockFile Reachable(IReadOnlyDictionary<string, VersionRange> dependencies)
    {
        var kept = new SortedDictionary<string, LockedPackage>(StringComparer.Ordinal);
        var pending = new Stack<string>(dependencies.Keys);
        while (pending.TryPop(out var name))
        {
            if (kept.ContainsKey(name) || !Packages.TryGetValue(name, out var package))
            {
                continue;
            }

            kept[name] = package;
            foreach (var dependency in package.Dependencies.Keys)
            {
                pending.Push(dependency);
            }
        }

        return this with { Packages = kept };
    }

    public static LockFile? ReadOrNull(string projectDirectory)
    {
        var path = Path.Combine(projectDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        LockFile? lockFile;
        try
        {
            lockFile = JsonSerializer.Deserialize(File.ReadAllBytes(path), LockJsonContext.Default.LockFile);
        }
        catch (JsonException e)
        {
            throw new ValidationException(
                InvalidRule,
                $"{path}: not a valid lock file ({JsonProblem.Describe(e)}); delete it to resolve again");
        }

        lockFile?.Check(path);
        return lockFile;
    }

    /// <summary>The rule a lock file breaks when a field other than a package name is malformed.</summary>
    public const string InvalidRule = Rules.LockInvalid;

    /// <summary>Refuses a lock file whose names, versions, hashes or ranges are not what install writes.</summary>
    public void Check(string path)
    {
        const string Fix = "fix the entry or delete the lock file and run 'registry install' to resolve again";
        if (LockVersion != 1)
        {
            throw new ValidationException(
                InvalidRule,
                $"{path}: lock_version {LockVersion} is not supported (this client writes 1); {Fix}");
        }

        if (Packages is null)
        {
            throw new ValidationException(InvalidRule, $"{path}: no \"packages\" object; {Fix}");
        }

        foreach (var (name, package) in Packages)
        {
            CheckName(path, "package", name, Fix);
            if (Problem(package) is { } problem)
            {
                throw new ValidationException(InvalidRule, $"{path}: package '{name}' {problem}; {Fix}");
            }

            foreach (var pin in (package.DependencyRegistries?.Values.AsEnumerable() ?? []).Prepend(package.Registry)
                .OfType<RegistryPin>())
            {
                if (!Uri.TryCreate(pin.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
                    || !pin.Url.EndsWith('/')
                    || !IsSha256(pin.RootSha256)
                    || pin.RootSha256.Any(char.IsAsciiLetterUpper))
                {
                    throw new ValidationException(InvalidRule, $"{path}: package '{name}' names the registry "
                        + $"{Show(pin.Url)} {Show(pin.RootSha256)}, not an http(s) URL ending in '/' and a root sha256 "
                        + $"of 64 lowercase hex digits; {Fix}");
                }
            }

            foreach (var (dependency, range) in package.Dependencies)
            {
                CheckName(path, $"dependency of '{name}'", dependency, Fix);
                if (!VersionRange.TryParse(range ?? "", out _))
                {
                    throw new ValidationException(InvalidRule, $"{path}: package '{name}' depends on '{dependency}' "
                        + $"with {Show(range)}, not a NuGet version range; {Fix}");
                }
            }
        }
    }

    private static string? Problem(LockedPackage? package) =>
        package is null ? "is null"
        : !NuGetVersion.TryParse(package.Version, out _)
            ? $"has the version {Show(package.Version)}, not a SemVer version"
            : package.Length < 0 ? $"has the negative length {package.Length}"
        : !IsSha256(package.Sha256) ? $"has the sha256 {Show(package.Sha256)}, not 64 hex digits"
        : !IsArtifactPath(package.Artifact)
            ? $"has the artifact path {Show(package.Artifact)}, not a relative path inside the registry"
            : package.Dependencies is null ? "has no dependencies object"
        : null;

    private static void CheckName(string path, string what, string name, string fix)
    {
        if (PackageName.Problem(name) is { } problem)
        {
            throw new ValidationException(
                Rules.NameInvalid,
                $"{path}: {what} name {Show(name)} {problem}; a package name is {PackageName.Rule}; {fix}");
        }
    }

    private static bool IsSha256(string? text) => text is { Length: 64 } && text.All(c => char.IsAsciiHexDigit(c));

    private static bool IsArtifactPath(string? text) =>
        !string.IsNullOrEmpty(text) && text[0] != '/' && !text.Contains('\\', StringComparison.Ordinal)
            && !text.Any(char.IsControl)
            && !text.Split('/').Any(segment => segment is "" or "." or "..");

    /// <summary>A value from the file, quoted as JSON so control characters and quotes stay visible on one
    /// line.</summary>
    private static string Show(string? value) => value is null
        ? "null"
        : JsonSerializer.Serialize(value.Length > 200 ? value[..200] + "..." : value, LockJsonContext.Default.String);

    public void Write(string projectDirectory) =>
        AtomicFile.Write(
            Path.Combine(projectDirectory, FileName),
            JsonSerializer.SerializeToUtf8Bytes(this, LockJsonContext.Default.LockFile));
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

    /// <summary>The registry the package came from (absent in locks written before it: the project's source).</summary>
    [JsonPropertyName("registry")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RegistryPin? Registry { get; init; }

    /// <summary>The registries its signed index pins for dependencies in other registries, as in
    /// <see cref="Core.Index.IndexEntry.DependencyRegistries"/>.</summary>
    [JsonPropertyName("dependency_registries")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, RegistryPin>? DependencyRegistries { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(LockFile))]
[JsonSerializable(typeof(string))]
internal sealed partial class LockJsonContext : JsonSerializerContext
{
}
