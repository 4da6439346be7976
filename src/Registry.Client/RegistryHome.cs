using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// The per-user folder (<c>$REGISTRY_HOME</c>, default <c>~/.registry</c>): <c>sources.json</c>,
/// one folder per source holding its trust anchor (<c>root.json</c>) and its trusted metadata in
/// registry layout (<c>metadata/</c>), and <c>cache/</c> with verified files by sha256. Shared by
/// concurrent client processes: every write is a create-only link or an atomic rename.
/// Sources are kept in the order they were added; the first is the default (the one read when
/// no name is given), and <see cref="SetDefault"/> moves another to the front.
/// </summary>
public sealed class RegistryHome(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string CachePath => System.IO.Path.Combine(Path, "cache");

    public static RegistryHome Default() => new(
        Environment.GetEnvironmentVariable("REGISTRY_HOME") is { Length: > 0 } home
            ? home
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".registry"));

    /// <summary>
    /// The folder of a source's trusted state. The name (from sources.json or the command line)
    /// must pass the package name rule, so no name can point the folder (or its removal) elsewhere.
    /// </summary>
    public string SourcePath(string name)
    {
        if (Core.Packages.PackageName.Problem(name) is { } problem)
        {
            throw new EnvironmentException("source name "
                + $"{JsonSerializer.Serialize(name, Resolution.LockJsonContext.Default.String)} {problem}; a source "
                + $"name is {Core.Packages.PackageName.Rule} (fix {System.IO.Path.Combine(Path, "sources.json")})");
        }

        return System.IO.Path.Combine(Path, "sources", name);
    }

    public IReadOnlyList<SourceConfig> Sources()
    {
        var file = System.IO.Path.Combine(Path, "sources.json");
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), ClientJsonContext.Default.ListSourceConfig)
                ?? [];
        }
        catch (JsonException e)
        {
            throw new EnvironmentException($"{file}: malformed JSON ({JsonProblem.Describe(e)}); fix or remove it", e);
        }
    }

    /// <summary>The named source, or the default (the first) when no name is given.</summary>
    public SourceConfig Source(string? name)
    {
        var sources = Sources();
        if (name is null)
        {
            return sources.Count > 0 ? sources[0] : throw new EnvironmentException(
                "no registry source configured: run 'registry source add NAME URL --root FILE'");
        }

        return sources.FirstOrDefault(
            s => s.Name == name) ?? throw new EnvironmentException($"no source named '{name}' (configured: "
                + $"{string.Join(", ", sources.Select(s => s.Name).DefaultIfEmpty("none"))})");
    }

    /// <summary>
    /// The read token of a source, if it has one: its <c>--token-env</c> variable when set, else its
    /// credential helper, else what <c>registry source login</c> stored. Resolved when first sent.
    /// </summary>
    /// <summary>
    /// The credential for one of a source's URLs: the source's own on its origin; on a mirror's
    /// other origin, only the token stored for that mirror (<c>source login NAME --mirror URL</c>),
    /// never the source's; null elsewhere.
    /// </summary>
    public ReadCredential? CredentialFor(SourceConfig source, Uri url)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(url);
        var own = CredentialFor(source);
        if (own.AppliesTo(url))
        {
            return own;
        }

        if (!source.Mirrors.Any(m => ReadCredential.SameOrigin(m, url)))
        {
            return null;
        }

        var key = Credentials.KeyFor(source.Name, url);
        return new ReadCredential(
            source.Name,
            url,
            () => Credentials.StoredOrNull(this, key),
            $"{Credentials.FileName}, mirror {url.GetLeftPart(UriPartial.Authority)}")
        {
            LoginHint = $"run 'registry source login {source.Name} --mirror {url}' (the mirror's token on stdin)",
        };
    }

    public ReadCredential CredentialFor(SourceConfig source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var hint = $"run 'registry source login {source.Name}' (the token on stdin)";
        if (source.TokenEnv is { Length: > 0 } variable)
        {
            return new ReadCredential(source.Name, source.Url, () => Environment.GetEnvironmentVariable(
                variable) is { Length: > 0 } value ? value.Trim() : Credentials.StoredOrNull(this, source.Name),
                $"the environment variable {variable}") { LoginHint = $"set {variable}, or {hint}" };
        }

        if (source.CredentialHelper is { Length: > 0 } helper)
        {
            return new ReadCredential(
                source.Name,
                source.Url,
                () => ReadCredential.RunHelper(helper, source.Name, source.Url),
                $"the credential helper '{helper.Split(' ')[0]}'") { LoginHint = "fix the credential helper "
                    + $"'{helper.Split(' ')[0]}'" };
        }

        return new ReadCredential(
            source.Name,
            source.Url,
            () => Credentials.StoredOrNull(this, source.Name),
            Credentials.FileName) { LoginHint = hint };
    }

    /// <summary>
    /// <c>registry source add</c>: checks the name and URLs, obtains the root of trust (from the
    /// file, or fetched from the URL and pinned by its sha256, see <see cref="RootOfTrust.ObtainAsync"/>),
    /// checks that it signs itself, and only then records the source. A new source goes last
    /// (the first one added stays the default); re-adding a name replaces it in place and
    /// forgets its trusted metadata.
    /// </summary>
    public async Task<AddedSource> AddSourceAsync(
        SourceRequest request,
        HttpPolicy? policy,
        CancellationToken cancellationToken)
    {
        CheckName(request.Name);
        var url = SourceConfig.ParseUrl(request.Url);
        var mirrors = request.Mirrors.Select(SourceConfig.ParseUrl).ToList();
        var config = new SourceConfig {
            Name = request.Name,
            Url = url,
            Mirrors = mirrors,
            TokenEnv = request.TokenEnv,
            CredentialHelper = request.CredentialHelper,
            Witnesses = request.Witnesses,
            WitnessQuorum = request.WitnessQuorum };
        var rootBytes = await RootOfTrust.ObtainAsync(
            url,
            request.RootFile,
            request.RootSha256,
            policy,
            cancellationToken,
            CredentialFor(config)).ConfigureAwait(false);
        var source = AddSource(config, rootBytes);
        return new AddedSource(source, Hashing.Sha256Hex(rootBytes), Sources()[0].Name == source.Name);
    }

    /// <summary>Adds a source with its trust anchor, a root metadata file that must sign itself (<see
    /// cref="RootChain.ParseAnchor"/>).</summary>
    public SourceConfig AddSource(SourceConfig source, byte[] rootBytes)
    {
        CheckName(source.Name);
        RootChain.ParseAnchor(rootBytes, "the given root");
        var sources = Sources().ToList();
        var at = sources.FindIndex(s => s.Name == source.Name);
        if (at >= 0)
        {
            sources[at] = source;
        }
        else
        {
            sources.Add(source);
        }

        var folder = SourcePath(source.Name);
        RemoveFolder(folder);

        Directory.CreateDirectory(folder);
        AtomicFile.Write(System.IO.Path.Combine(folder, "root.json"), rootBytes);
        SaveSources(sources);
        return source;
    }

    /// <summary><c>registry source default NAME</c>: moves the source to the front, so commands read it when no
    /// <c>--source</c> is given; the others keep their order.</summary>
    public SourceConfig SetDefault(string name)
    {
        var sources = Sources().ToList();
        var source = sources.FirstOrDefault(s => s.Name == name) ?? Source(name);
        sources.Remove(source);
        sources.Insert(0, source);
        SaveSources(sources);
        return source;
    }

    public bool RemoveSource(string name)
    {
        var folder = SourcePath(name); // checks the name before anything is changed
        var sources = Sources().ToList();
        if (sources.RemoveAll(s => s.Name == name) == 0)
        {
            return false;
        }

        SaveSources(sources);
        RemoveFolder(folder);
        Credentials.RemoveAll(this, name);
        return true;
    }

    private static void CheckName(string name)
    {
        if (!Core.Packages.PackageName.IsValid(name))
        {
            throw new EnvironmentException($"'{name}' is not a valid source name ({Core.Packages.PackageName.Rule})");
        }

        if (name.StartsWith(RegistrySet.ImplicitPrefix, StringComparison.Ordinal))
        {
            throw new EnvironmentException($"'{name}': source names starting with "
                + $"'{RegistrySet.ImplicitPrefix}' are kept for the registries that signed indexes pin "
                + "(docs/protocol.md, \"Dependencies across registries\"); choose another name");
        }
    }

    private void SaveSources(List<SourceConfig> sources) =>
        AtomicFile.Write(
            System.IO.Path.Combine(Path, "sources.json"),
            JsonSerializer.SerializeToUtf8Bytes(sources, ClientJsonContext.Default.ListSourceConfig));

    // A link in place of the folder is removed as a link, never followed.
    private static void RemoveFolder(string folder)
    {
        if (new FileInfo(folder).LinkTarget is not null)
        {
            File.Delete(folder);
        }
        else if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<SourceConfig>))]
internal sealed partial class ClientJsonContext : JsonSerializerContext
{
}
