using NuGet.Versioning;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Benchmarks.Hex;

/// <summary>What every step of one run shares: the shape, the folders, the CLI, and the next free version of each
/// package.</summary>
internal sealed class HexRun(HexShape shape, HexOptions options, Workspace workspace, RegistryCli cli)
{
    private readonly Dictionary<int, NuGetVersion> _latest = [];

    public HexShape Shape => shape;

    public HexOptions Options => options;

    public Workspace Workspace => workspace;

    public RegistryCli Cli => cli;

    /// <summary>A new patch release of <paramref name="package"/> with its latest version's dependencies (so
    /// resolutions still hold).</summary>
    public HexVersion NextVersion(HexPackage package)
    {
        var latest = _latest.GetValueOrDefault(package.Index, package.Latest.Version);
        var next = new NuGetVersion(latest.Major, latest.Minor, latest.Patch + 1);
        _latest[package.Index] = next;
        return package.Latest with { Version = next };
    }

    /// <summary>Writes the package file to <c>run/packages/</c> for the CLI; returns its path.</summary>
    public string WritePackage(HexPackage package, HexVersion version)
    {
        var folder = Path.Combine(workspace.Run, "packages");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{package.Name}-{version.Version.ToNormalizedString()}.tgz");
        File.WriteAllBytes(path, HexArtifacts.Build(shape, package, version, options.Seed));
        return path;
    }

    /// <summary>Publishes a new version of each package, one transaction each, through the library (set-up, not
    /// measured).</summary>
    public async Task PublishNewVersionsAsync(string site, IEnumerable<HexPackage> packages)
    {
        using var keys = KeyRing.Load(workspace.Keys);
        var writer = new RegistryWriter(new FolderStore(site), keys, TimeProvider.System);
        foreach (var package in packages)
        {
            await writer.PublishAsync(
                [BulkImport.Read(shape, package, NextVersion(package), options.Seed)],
                new PublishOptions(),
                default);
        }
    }

    /// <summary>A typical long-tail package among the first <paramref name="within"/>: 1-3 versions, some
    /// dependencies.</summary>
    public HexPackage TypicalPackage(int within) =>
        shape.Packages.Skip(within / 2).Take(within - (within / 2))
            .FirstOrDefault(p => p.Versions.Count <= 3 && p.Latest.Dependencies.Count is >= 1 and <= 3)
        ?? shape.Packages.Take(within).OrderBy(p => p.Latest.Dependencies.Count == 0 ? 1 : 0)
            .ThenBy(p => p.Versions.Count)
            .ThenByDescending(p => p.Index)
            .First();

    /// <summary>
    /// A project whose dependencies' transitive closure (through the latest versions) is exactly
    /// <paramref name="size"/> distinct packages (or as close as the shape allows): late packages
    /// with deep graphs first, then smaller ones to fill up. Returns its direct dependencies and the closure.
    /// </summary>
    public (Dictionary<string, string> Direct, HashSet<int> Closure) PickProject(int size)
    {
        var closure = new HashSet<int>();
        var direct = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = shape.Packages.Count - 1; i >= 0 && closure.Count < size; i--)
        {
            if (closure.Contains(i))
            {
                continue;
            }

            var adds = Closure(i);
            adds.ExceptWith(closure);
            if (closure.Count + adds.Count <= size && (adds.Count > 1 || closure.Count >= size / 2))
            {
                closure.UnionWith(adds);
                direct[shape.Packages[i].Name] = HexShape.CompatibleRange(shape.Packages[i].Latest.Version);
            }
        }

        return (direct, closure);
    }

    private HashSet<int> Closure(int root)
    {
        var seen = new HashSet<int> { root };
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var next))
        {
            foreach (var dependency in shape.Packages[next].Latest.Dependencies.Where(d => seen.Add(d.Package)))
            {
                pending.Push(dependency.Package);
            }
        }

        return seen;
    }
}
