using Registry.Client.Internal;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// Reads one registry source with the TUF client workflow: the trusted root, then the
/// timestamp (conditional request: an unchanged registry costs one request), the root chain,
/// snapshot, targets and the bins a lookup needs, each checked for signatures and thresholds,
/// hash and length links, expiry against the instant the update started, and versions never
/// going back from the trusted state. Trusted metadata persists under the source's folder in
/// registry layout; verified index documents and artifacts persist in the shared cache by
/// sha256. Each URL (primary, then mirrors) is tried in turn; a stale one is skipped.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly RegistryHome _home;
    private readonly SourceConfig _source;
    private readonly TimeProvider _time;
    private readonly HttpPolicy _policy;
    private readonly HttpClient? _http;
    private readonly FolderStore _trusted;
    private readonly FolderStore _cache;
    private readonly List<HttpObjectReader> _readers;
    private readonly AttachedState _attached = new();
    private IReadOnlyCollection<string> _expected = [];

    public RegistryClient(
        RegistryHome home,
        SourceConfig source,
        TimeProvider time,
        HttpPolicy? policy = null,
        HttpClient? http = null,
        ClientLimits? limits = null)
    {
        Limits = limits ?? ClientLimits.Default;
        _home = home;
        _source = source;
        _time = time;
        _policy = policy ?? new HttpPolicy();
        _http = http;
        _trusted = new FolderStore(home.SourcePath(source.Name));
        _cache = new FolderStore(home.CachePath);

        // Metadata is capped here (and at its signed length when its parent gives one); an artifact
        // or index document is read up to the length its signed entry pins, whatever this cap.
        // A source's read token goes to the URLs on its own origin only; a mirror on another origin
        // gets its own stored token or none (RegistryHome.CredentialFor).
        _readers = source.Urls.Select(u => new HttpObjectReader(EnsureSlash(u), http, _policy)
        {
            Credential = home.CredentialFor(source, u),
            MaxBytes = Limits.MaxMetadataBytes,
            MaxBytesSetting = ClientLimits.MaxMetadataBytesVariable,
        }).ToList();
    }

    /// <summary>The source this client reads.</summary>
    public SourceConfig Source => _source;

    /// <summary>The per-user folder this client keeps its trusted state and cache in.</summary>
    public RegistryHome Home => _home;

    /// <summary>The retry and timeout policy of this client's requests.</summary>
    public HttpPolicy Policy => _policy;

    /// <summary>A client of another source in the same home, with this client's clock, policy, HTTP client and
    /// limits.</summary>
    public RegistryClient Open(SourceConfig source) => new(_home, source, _time, _policy, _http, Limits);

    /// <summary>The sizes this client accepts (the metadata cap, and the limits install extracts with).</summary>
    public ClientLimits Limits { get; }

    /// <summary>HTTP requests sent so far (retries included), over every URL.</summary>
    public int Requests => _readers.Sum(r => r.RequestCount);

    /// <summary>Warnings about what was used (expired or unrefreshed metadata), for the user.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// Names the packages the caller will look up first (a project's direct dependencies), so that
    /// an update fetches their bins in the same round trip as targets.json. A hint changes only
    /// when requests are sent, never what is accepted: every file is still verified in trust order.
    /// </summary>
    public void ExpectLookups(IEnumerable<string> names) =>
        _expected = [.. names.Select(Core.Packages.PackageName.FromUserInput).Where(Core.Packages.PackageName.IsValid)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Brings the trusted metadata up to date. When every URL fails, the trusted metadata is used
    /// only while it has not expired: resolving from expired metadata (what a freeze attack that
    /// withholds updates would produce) is refused unless <paramref name="offline"/> asks for it.
    /// </summary>
    public Task<UpdateResult> UpdateAsync(bool offline, CancellationToken cancellationToken) =>
        new SourceUpdater(_home, _source, _time, _trusted, _readers, Limits, Warnings, _attached)
            .UpdateAsync(_expected, offline, cancellationToken);


    /// <summary>
    /// The verified index at NAME's normalised path, or null when the registry has no such
    /// package. Its <see cref="PackageIndex.Name"/> is the published spelling, which may differ
    /// from <paramref name="name"/> in '-', '_', '.'.
    /// </summary>
    public async Task<PackageIndex?> GetIndexAsync(string name, CancellationToken cancellationToken)
    {
        name = Core.Packages.PackageName.FromUserInput(name);
        if (!Core.Packages.PackageName.IsValid(name))
        {
            throw new ValidationException(
                Rules.NameInvalid,
                $"'{name}' is not a package name ({Core.Packages.PackageName.Rule})");
        }

        var path = RegistryLayout.IndexPath(name);
        var target = await FindTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return null;
        }

        var bytes = await GetVerifiedAsync(
            RegistryLayout.TargetKey(path, target.Sha256),
            target.Length,
            target.Sha256,
            cancellationToken).ConfigureAwait(false);
        return IndexJson.ParseIndex(bytes, path);
    }

    /// <summary>
    /// Published names close to <paramref name="name"/> (<see cref="Resolution.NameSuggestions"/>),
    /// for "did you mean". It searches only what this client already holds: the targets of the
    /// current state's bins that are in the trusted store (verified in this run or an earlier
    /// one), never listing or downloading the registry for it. Each suggestion is named in its
    /// published spelling, read from its index (its bin is local, so one request at most each).
    /// </summary>
    public async Task<IReadOnlyList<string>> SuggestNamesAsync(string name, CancellationToken cancellationToken)
    {
        var state = _attached.State ?? throw new InvalidOperationException("call UpdateAsync first");
        var seen = new List<string>();
        foreach (var (file, meta) in state.Snapshot.Signed.Meta)
        {
            var bin = file[..^".json".Length];
            if (state.Bins.IsBinName(bin) && await _trusted.ExistsAsync(
                RegistryLayout.MetadataKey(bin, meta.Version),
                cancellationToken).ConfigureAwait(false))
            {
                var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
                seen.AddRange(document.Signed.Targets.Keys
                    .Where(path => path.StartsWith("index/", StringComparison.Ordinal)
                        && path.EndsWith(".json", StringComparison.Ordinal))
                    .Select(path => path["index/".Length..^".json".Length]));
            }
        }

        var suggestions = new List<string>();
        foreach (var candidate in Resolution.NameSuggestions.Closest(name, seen))
        {
            suggestions.Add(
                (await GetIndexAsync(candidate, cancellationToken).ConfigureAwait(false))?.Name ?? candidate);
        }

        return suggestions;
    }

    /// <summary>
    /// The verified bytes of an artifact: exactly the length and sha256 its entry in a verified
    /// index pins (the index rules have checked that the entry names its canonical path).
    /// Served from the cache when present.
    /// </summary>
    public Task<byte[]> GetArtifactAsync(IndexEntry entry, CancellationToken cancellationToken) =>
        GetVerifiedAsync(
            RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256),
            entry.Length,
            entry.Sha256,
            cancellationToken);

    /// <summary>A cached artifact by sha256, verified, with no metadata and no network (for --offline installs from a
    /// lock).</summary>
    public async Task<byte[]?> GetCachedBlobOrNullAsync(string sha256, long length, CancellationToken cancellationToken)
    {
        return await BlobCache.GetOrNullAsync(_cache, sha256, length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The signed entry of a target path, from its bin (verified, not expired, kept in the trusted
    /// store).</summary>
    private async Task<TargetFile?> FindTargetOrNullAsync(string targetPath, CancellationToken cancellationToken)
    {
        var state = _attached.State ?? throw new InvalidOperationException("call UpdateAsync first");
        var binName = state.Bins.BinFor(targetPath);
        SignedDocument<TargetsMetadata> bin;
        try
        {
            bin = await state.GetBinAsync(binName, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException e) when (_attached.Reader is null)
        {
            throw new RegistryException($"offline: the metadata for '{targetPath}' is not cached ({e.Message})");
        }

        if (_attached.Reader is { } reader)
        {
            MetadataVerifier.VerifyNotExpired(bin.Signed, _attached.UpdatedAt, $"{reader.Location} {binName}");
        }

        await _attached.PersistVerifiedAsync(_trusted, cancellationToken).ConfigureAwait(false);
        return bin.Signed.Targets.GetValueOrDefault(targetPath);
    }

    /// <summary>
    /// Bytes pinned by signed metadata (length, sha256): from the cache, else fetched, checked and
    /// cached. The URL that served the metadata is tried first, then the source's other URLs: a
    /// copy that is missing, stalls, or fails the check is skipped for the next.
    /// </summary>
    private async Task<byte[]> GetVerifiedAsync(
        string key,
        long length,
        string sha256,
        CancellationToken cancellationToken)
    {
        if (await GetCachedBlobOrNullAsync(sha256, length, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var first = _attached.Reader ?? throw new RegistryException($"offline: '{key}' is not in the cache");
        RegistryException? failure = null;
        foreach (var reader in _readers.OrderBy(r => r == first ? 0 : 1))
        {
            try
            {
                var content = await reader.ReadPinnedAsync(
                    key,
                    length,
                    sha256,
                    reader.Location + key,
                    cancellationToken).ConfigureAwait(false);
                await BlobCache.PutAsync(_cache, sha256, content, cancellationToken).ConfigureAwait(false);
                return content;
            }
            catch (RegistryException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = failure is VerificationException ? failure : e;
                if (_readers.Count > 1)
                {
                    Warnings.Add($"{reader.Location}: {e.Message}");
                }
            }
        }

        throw failure!;
    }

    private static Uri EnsureSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }
}
