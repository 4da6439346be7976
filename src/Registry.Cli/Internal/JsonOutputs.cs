using Registry.Core.Publishing;

namespace Registry.Cli.Internal;

// The documented JSON shapes of `--json` (docs/commands.md, "JSON output"). They are the CLI's
// contract with scripts, kept apart from the library types so that a library change does not
// silently change them. Property names are snake_case (CliJsonContext).

/// <summary><c>{"error": {"message", "rule", "exit_code"}}</c>: any command given <c>--json</c> that fails.</summary>
internal sealed record ErrorOutput(ErrorDetail Error);

internal sealed record ErrorDetail(string Message, string? Rule, int ExitCode);

/// <summary><c>registry publish --json</c>.</summary>
internal sealed record PublishOutput(
    IReadOnlyList<PublishedPackageOutput> Packages,
    CommitStats? Commit,
    Registry.Core.Views.ViewSyncStats? NugetFeed = null);

/// <summary>Status <c>published</c> or <c>unchanged</c> (already published with the same bytes).</summary>
internal sealed record PublishedPackageOutput(
    string Name,
    string Version,
    string Status,
    string Sha256,
    long Length,
    string Artifact);

/// <summary><c>registry yank --json</c>: status <c>yanked</c>, <c>un-yanked</c> or <c>unchanged</c>.</summary>
internal sealed record YankOutput(
    string Name,
    string Version,
    string Status,
    string? Reason,
    CommitStats? Commit,
    Registry.Core.Views.ViewSyncStats? NugetFeed = null);

/// <summary><c>registry refresh --json</c>.</summary>
internal sealed record RefreshOutput(
    IReadOnlyList<string> Resigned,
    IReadOnlyList<string> MissingKeys,
    CommitStats Commit);

/// <summary><c>registry rebin --json</c>: <c>commit</c> is null when the registry already had that many bins.</summary>
internal sealed record RebinOutput(
    long OldBins,
    long NewBins,
    int? IndexDocuments,
    int RetiredSnapshotEntries,
    CommitStats? Commit);

/// <summary><c>registry fetch --json</c>.</summary>
/// <summary><c>registry source list --json</c>: the sources in order; the first is the default.</summary>
internal sealed record SourceListOutput(IReadOnlyList<SourceOutput> Sources);

internal sealed record SourceOutput(string Name, string Url, IReadOnlyList<string> Mirrors, bool Default);

internal sealed record FetchOutput(string Name, string Version, string Sha256, string File);

/// <summary><c>registry install --json</c> and <c>registry update --json</c>: every locked package, and what
/// changed.</summary>
internal sealed record InstallOutput(
    bool Resolved,
    IReadOnlyList<InstalledPackageOutput> Packages,
    IReadOnlyList<ChangeOutput> Changes,
    IReadOnlyList<string> RemovedFolders,
    int Requests);

internal sealed record InstalledPackageOutput(string Name, string Version, string Sha256);

/// <summary>Change <c>added</c> (from null), <c>updated</c>, <c>downgraded</c> (to a lower version) or <c>removed</c>
/// (to null).</summary>
internal sealed record ChangeOutput(string Name, string Change, string? From, string? To);

/// <summary><c>registry mirror --json</c>.</summary>
internal sealed record MirrorOutput(
    bool Unchanged,
    long TimestampVersion,
    int FilesFetched,
    long BytesFetched,
    int Requests,
    double Seconds,
    PruneOutput? Pruned,
    Registry.Core.Views.ViewSyncStats? NugetFeed = null);

internal sealed record PruneOutput(int Files, long Bytes);

internal sealed record TokenIssuedOutput(string Id, string Name, string Scope, DateTimeOffset Expires, string Token);

internal sealed record TokenOutput(
    string Id,
    string Name,
    string Scope,
    DateTimeOffset Expires,
    DateTimeOffset? Revoked,
    string State);

internal sealed record TokenListOutput(
    string Registry,
    IReadOnlyList<string> Secrets,
    IReadOnlyList<TokenOutput> Tokens);
