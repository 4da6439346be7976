using System.Collections.Concurrent;
using Registry.Core.Index;
using Registry.Core.Publishing.Internal;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Core.Publishing;

/// <summary>
/// The full audit behind <c>registry verify</c>: the root chain, every signature and
/// threshold, every version and hash link from the timestamp down to each bin, every index
/// document's length, sha256 and form, every artifact's length and sha256 against its index
/// entry, the expiry of every role, and each derived view it is given against the signed index. Reads only; works on
/// any <see cref="IObjectReader"/> (a store, or the CDN over HTTP).
/// </summary>
public sealed class RegistryAuditor(
    IObjectReader reader,
    TimeProvider time,
    int parallelism = 8,
    IReadOnlyList<IRegistryView>? views = null)
{
    private readonly TimeProvider _time = time;

    public async Task<AuditReport> AuditAsync(CancellationToken cancellationToken)
    {
        var errors = new ConcurrentBag<string>();
        var warnings = new ConcurrentBag<string>();
        RegistryState state;
        try
        {
            state = await RegistryState.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException e)
        {
            return new AuditReport([e.Message], [], 0, 0, 0, 0);
        }

        var now = _time.GetUtcNow();
        var settings = await RegistrySettings.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
        var windows = new ExpiryWindows(settings);
        ExpiryAudit.CheckRole(windows, state.Root.Signed, RoleNames.Root, now, errors, warnings);
        ExpiryAudit.CheckRole(windows, state.Timestamp.Signed, RoleNames.Timestamp, now, errors, warnings);
        ExpiryAudit.CheckRole(windows, state.Snapshot.Signed, RoleNames.Snapshot, now, errors, warnings);
        ExpiryAudit.CheckRole(windows, state.Targets.Signed, RoleNames.Targets, now, errors, warnings);
        await Internal.LogAudit.CheckAsync(reader, state, errors, cancellationToken).ConfigureAwait(false);
        if (state.Targets.Signed.Targets.Count > 0)
        {
            errors.Add("targets: lists targets directly; every target must be in a hashed bin");
        }

        var binNames = state.Bins.AllNames().ToList();
        var listed = state.Snapshot.Signed.Meta.Keys.Where(k => k != "targets.json").ToHashSet(StringComparer.Ordinal);
        foreach (var extra in listed.Except(binNames.Select(b => b + ".json")).Where(file => !(file.EndsWith(
            ".json",
            StringComparison.Ordinal) && state.Bins.IsAnyBinName(file[..^".json".Length]))))
        {
            errors.Add(
                $"snapshot: lists '{extra}', which is not a bin of the delegation (nor of an earlier bin count)");
        }

        var findings = new ViewFindings(errors, warnings);
        var audits = new List<IViewAudit>();
        foreach (var view in views ?? [])
        {
            audits.Add(await view.OpenAuditAsync(reader, settings, findings, cancellationToken).ConfigureAwait(false));
        }

        var bins = new ConcurrentDictionary<string, SignedBase>(StringComparer.Ordinal);
        var targets = 0;
        var walk = new WalkOptions
        {
            Bins = binNames,
            Parallelism = parallelism,
            OnError = e => errors.Add(e.Message),
            OnBin = (bin, document, _) =>
            {
                bins[bin] = document.Signed;
                Interlocked.Add(ref targets, document.Signed.Targets.Count);
                return ValueTask.CompletedTask;
            },
        };
        long bytes = 0;
        int packages = 0, versions = 0;
        var documents = state.WalkAsync(walk, cancellationToken);
        await Parallel.ForEachAsync(documents, Options(cancellationToken), async (walked, ct) =>
        {
            var index = walked.Index;
            try
            {
                Interlocked.Increment(ref packages);
                Interlocked.Add(ref bytes, walked.Content.LongLength);
                foreach (var entry in index.Versions)
                {
                    Interlocked.Increment(ref versions);
                    await CheckArtifactAsync(index, entry, errors, ct).ConfigureAwait(false);
                    Interlocked.Add(ref bytes, entry.Length);
                }

                foreach (var audit in audits)
                {
                    await audit.CheckAsync(index, findings, ct).ConfigureAwait(false);
                }
            }
            catch (VerificationException e)
            {
                errors.Add(e.Message);
            }
        }).ConfigureAwait(false);

        ExpiryAudit.CheckBins(windows, binNames, bins, now, errors, warnings);
        foreach (var audit in audits)
        {
            await audit.FinishAsync(findings, cancellationToken).ConfigureAwait(false);
        }

        return new AuditReport(
            errors.Order(StringComparer.Ordinal).ToList(), warnings.Order(StringComparer.Ordinal).ToList(),
            packages, versions, targets, bytes);
    }

    /// <summary>An artifact against its index entry, hashed while streaming (artifacts are not held in
    /// memory).</summary>
    private async Task CheckArtifactAsync(
        PackageIndex index,
        IndexEntry entry,
        ConcurrentBag<string> errors,
        CancellationToken cancellationToken)
    {
        var key = RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256);
        var (found, mismatch) = await reader.CheckPinnedStreamAsync(key, entry.Length, entry.Sha256, cancellationToken)
            .ConfigureAwait(false);
        if (!found)
        {
            errors.Add($"{key}: {index.Name} {entry.Version}'s artifact is pinned by the signed index but missing");
        }
        else if (mismatch is not null)
        {
            errors.Add($"{mismatch} ({index.Name} {entry.Version})");
        }
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
}

/// <summary>The result of an audit: an empty <see cref="Errors"/> means the registry verifies.</summary>
public sealed record AuditReport(
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings,
    int Packages,
    int Versions,
    int Targets,
    long TargetBytes)
{
    public bool Ok => Errors.Count == 0;
}
