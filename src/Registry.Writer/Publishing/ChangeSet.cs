using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// What one transaction changes on top of a <see cref="RegistryState"/>: new artifacts (pinned
/// by index entries, not TUF targets), new target files (index documents) and the bin entries
/// that list them, and (for <c>refresh</c>) which roles to re-sign.
/// </summary>
public sealed class ChangeSet
{
    private readonly List<PendingTarget> _targets = [];
    private readonly List<PendingArtifact> _artifacts = [];

    public IReadOnlyList<PendingTarget> Targets => _targets;

    /// <summary>Artifacts to write before anything that names them.</summary>
    public IReadOnlyList<PendingArtifact> Artifacts => _artifacts;

    /// <summary>Bin name to the target paths (and their new entries) it gains or replaces.</summary>
    public Dictionary<string, Dictionary<string, TargetFile>> BinEdits { get; } = new(StringComparer.Ordinal);

    /// <summary>Bins to re-sign with a new version and expiry even when their targets are unchanged.</summary>
    public HashSet<string> BinsToResign { get; } = new(StringComparer.Ordinal);

    public bool ResignTargets { get; set; }

    /// <summary>With <see cref="ResignTargets"/>: the bins' new delegation (their keys follow the root's targets
    /// role).</summary>
    public Delegations? NewDelegations { get; set; }

    public bool ResignSnapshot { get; set; }

    /// <summary>
    /// A re-sharding (<c>registry rebin</c>): every bin of <see cref="NewDelegations"/> with its
    /// whole target list, written afresh. The old bins are not read or edited; the snapshot keeps
    /// listing them, because a TUF client refuses a snapshot that drops a role it listed before.
    /// </summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, TargetFile>>? NewBins { get; set; }

    public bool IsEmpty => _targets.Count == 0 && _artifacts.Count == 0 && BinEdits.Count == 0
        && BinsToResign.Count == 0
        && !ResignTargets
        && !ResignSnapshot
        && NewBins is null;

    /// <summary>Adds an artifact, stored at its content-addressed key; returns its length and sha256 for the index
    /// entry.</summary>
    public (long Length, string Sha256) AddArtifact(string artifactPath, byte[] content)
    {
        var sha256 = Hashing.Sha256Hex(content);
        _artifacts.Add(new PendingArtifact(RegistryLayout.ArtifactKey(artifactPath, sha256), content));
        return (content.LongLength, sha256);
    }

    /// <summary>Adds a target file (content-addressed) and lists it in its bin.</summary>
    public TargetFile AddTarget(HashBins bins, string targetPath, byte[] content)
    {
        var info = new TargetFile
        {
            Length = content.LongLength,
            Hashes = new Dictionary<string, string> { ["sha256"] = Hashing.Sha256Hex(content) },
        };
        _targets.Add(new PendingTarget(targetPath, content, info));
        var bin = bins.BinFor(targetPath);
        if (!BinEdits.TryGetValue(bin, out var edits))
        {
            BinEdits[bin] = edits = new Dictionary<string, TargetFile>(StringComparer.Ordinal);
        }

        edits[targetPath] = info;
        return info;
    }
}

/// <summary>A target file waiting to be written: its path, bytes and signed description.</summary>
public sealed record PendingTarget(string Path, byte[] Content, TargetFile Info);

/// <summary>An artifact waiting to be written at its store key.</summary>
public sealed record PendingArtifact(string Key, byte[] Content);

/// <summary>What a committed transaction wrote: a measure of the cost of a publish.</summary>
public sealed record CommitStats(
    int FilesWritten,
    long BytesWritten,
    long SnapshotVersion,
    long TimestampVersion,
    int Attempts)
{
    /// <summary>Configured witnesses that did not cosign the log's new checkpoint (the commit stands; clients with a
    /// quorum may refuse it).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("witness_problems")]
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? WitnessProblems { get; init; }
}
