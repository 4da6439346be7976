using System.Collections.Concurrent;
using Registry.Core.Storage;

namespace Registry.Core.Tuf;

/// <summary>
/// The check a trusted state's transparency log makes of the next one (docs/protocol.md, "The
/// transparency log"): given the state trusted before (null on a first update) and the verified next.
/// </summary>
public delegate Task LogCheckHook(RegistryState? trusted, RegistryState next, CancellationToken cancellationToken);

/// <summary>
/// One step of the TUF client workflow, shared by the client and the mirror: from a trusted state (or
/// only a trusted root) and a freshly fetched <c>timestamp.json</c>, load the next state through
/// <paramref name="reader"/> (root chain, timestamp, snapshot, targets: signatures, thresholds, versions,
/// lengths and hashes against their parents), then refuse it when anything is expired at
/// <paramref name="now"/>, when a version goes back from the trusted state, or when the log check says no.
/// Its only I/O is through the reader; what is persisted, and where, is the caller's.
/// </summary>
public sealed class TrustedUpdate(IObjectReader reader, SignedDocument<RootMetadata> anchor, DateTimeOffset now)
{
    /// <summary>The state trusted before this update (its root is the anchor when given), or null.</summary>
    public RegistryState? Trusted { get; init; }

    /// <summary>
    /// Refuse a timestamp of the trusted version whose bytes differ (the mirror: it copies bytes). A
    /// client accepts one whose signed part is unchanged (<see cref="TrustChecks.VerifyNoRollback"/>).
    /// </summary>
    public bool RequireNewerTimestamp { get; init; }

    /// <summary>Most root rotations followed past the anchor (null: RootChain.LoadLatestAsync chooses).</summary>
    public int? MaxRootRotations { get; init; }

    /// <summary>
    /// The transparency-log rule, when the caller applies one here (the client does; the mirror
    /// checks the log as it copies it).
    /// </summary>
    public LogCheckHook? LogCheck { get; init; }

    /// <summary>
    /// The key and bytes of every metadata file that has passed its checks so far (roots after the
    /// anchor, snapshot, targets, bins): the only bytes a caller may keep as trusted. Filled even
    /// when the update fails later (a client keeps the roots verified before a rotation cap).
    /// </summary>
    public ConcurrentDictionary<string, byte[]> Verified { get; } = new(StringComparer.Ordinal);

    /// <summary>Loads and checks the state <paramref name="timestamp"/> names.</summary>
    public async Task<RegistryState> LoadNextAsync(StoredObject timestamp, CancellationToken cancellationToken)
    {
        var options = new StateLoadOptions
        {
            Anchor = Trusted?.Root ?? anchor,
            Timestamp = timestamp,
            OnVerified = (key, bytes) => Verified[key] = bytes,
            MaxRootRotations = MaxRootRotations,
        };
        var next = await RegistryState.LoadOrNullAsync(reader, options, cancellationToken).ConfigureAwait(false)
            ?? throw new VerificationException($"{reader.Location}: no registry");
        TrustChecks.VerifyFresh(next, now, reader.Location);
        if (Trusted is { } trusted)
        {
            if (RequireNewerTimestamp && next.Timestamp.Signed.Version == trusted.Timestamp.Signed.Version)
            {
                throw new VerificationException(
                    $"{reader.Location}: timestamp version {next.Timestamp.Signed.Version} is not newer than the "
                    + $"mirror's {trusted.Timestamp.Signed.Version} but differs from it");
            }

            TrustChecks.VerifyNoRollback(trusted, next, reader.Location);
        }

        if (LogCheck is not null)
        {
            await LogCheck(Trusted, next, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    /// <summary>Records a file the caller verified itself (the mirror's walk of the whole root chain).</summary>
    public void AddVerified(string key, byte[] content) => Verified[key] = content;

    /// <summary>
    /// What to persist after a successful update: the verified files that came from the source (not
    /// the local copy), every other file before the roots, the timestamp never (the caller swaps it last).
    /// </summary>
    public IEnumerable<KeyValuePair<string, byte[]>> ToPersist(LocalFirstReader local) =>
        Verified.Where(p => p.Key != RegistryLayout.TimestampKey && local.FetchedFromSource.ContainsKey(p.Key))
            .OrderBy(p => p.Key.EndsWith(".root.json", StringComparison.Ordinal))
            .ThenBy(p => p.Key, StringComparer.Ordinal);
}
