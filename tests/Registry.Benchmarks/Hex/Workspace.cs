using System.Text.Json;

namespace Registry.Benchmarks.Hex;

/// <summary>What a kept folder holds: the parameters it was generated with and the import's figures.</summary>
internal sealed record KeptState
{
    public required int Packages { get; init; }

    public required int Versions { get; init; }

    public required int Bins { get; init; }

    public required int Seed { get; init; }

    public required int Batch { get; init; }

    public required int MiddlePackages { get; init; }

    /// <summary><see cref="HexShape.GeneratorVersion"/> of the generator that made it.</summary>
    public required int Generator { get; init; }

    /// <summary>Whether the registries keep a transparency log (<c>--log</c>).</summary>
    public bool Log { get; init; }

    /// <summary>The git commit the registry was generated with (its protocol is that commit's).</summary>
    public required string Commit { get; init; }

    public bool Complete { get; init; }

    public ImportFigures? Import { get; init; }

    public bool SameShape(KeptState other) =>
        (Packages, Versions, Bins, Seed, Batch, MiddlePackages, Generator, Log) == (other.Packages, other
            .Versions, other.Bins, other.Seed, other.Batch, other.MiddlePackages, other.Generator, other.Log);
}

/// <summary>
/// The benchmark's folders. Pristine registries (<c>full/site</c>, <c>middle/site</c>, the keys,
/// the peer's repository) live in the kept folder (or a temporary one); every run works on
/// hard-link copies under <c>run/</c>, which is safe because the folder store never changes a
/// file in place (create-only writes link a new file; the timestamp swap renames one), and is
/// deleted at the end, so a kept registry stays exactly as generated.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
    private readonly bool _temporary;

    private Workspace(string root, bool temporary)
    {
        Root = root;
        _temporary = temporary;
        Directory.CreateDirectory(Run);
    }

    public string Root { get; }

    public string Keys => Path.Combine(Root, "keys");

    public string Full => Path.Combine(Root, "full", "site");

    public string Middle => Path.Combine(Root, "middle", "site");

    public string Peer => Path.Combine(Root, "reprepro");

    public string Run => Path.Combine(Root, "run");

    private string StateFile => Path.Combine(Root, "bench.json");

    public static Workspace Open(string? keep)
    {
        if (keep is null)
        {
            return new Workspace(
                Path.Combine(Path.GetTempPath(), "registry-hex-" + Guid.NewGuid().ToString("N")[..12]),
                temporary: true);
        }

        if (Directory.Exists(keep) && Directory.EnumerateFileSystemEntries(keep).Any()
            && !File.Exists(Path.Combine(keep, "bench.json")))
        {
            throw new InvalidOperationException($"{keep}: not empty and holds no bench.json, so it is not a folder "
                + "this benchmark kept; choose another --keep folder");
        }

        var workspace = new Workspace(keep, temporary: false);
        if (Directory.Exists(workspace.Run))
        {
            Directory.Delete(workspace.Run, recursive: true); // left by an interrupted run
            Directory.CreateDirectory(workspace.Run);
        }

        return workspace;
    }

    public KeptState? LoadState() => File.Exists(StateFile)
        ? JsonSerializer.Deserialize<KeptState>(File.ReadAllBytes(StateFile), JsonOptions)
        : null;

    public void SaveState(KeptState state)
        => File.WriteAllBytes(StateFile, JsonSerializer.SerializeToUtf8Bytes(state, JsonOptions));

    /// <summary>Removes the generated registries (not the peer's repository), for a fresh import.</summary>
    public void ClearRegistries()
    {
        foreach (var folder in new[] { Keys, Path.GetDirectoryName(Full)!, Path.GetDirectoryName(Middle)! })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>A hard-link copy of <paramref name="site"/> at <c>run/NAME/site</c>, for this run to change.</summary>
    public async Task<string> CloneAsync(string site, string name)
    {
        var target = Path.Combine(Run, name, "site");
        await LinkCopyAsync(site, target);
        return target;
    }

    public static async Task LinkCopyAsync(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        (await Proc.RunAsync("cp", ["-al", source, target])).Check($"cp -al {source} {target}");
    }

    public void Dispose()
    {
        var folder = _temporary ? Root : Run;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
