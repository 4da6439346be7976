using System.Collections.Concurrent;
using NuGet.Versioning;
using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// The full audit behind <c>registry verify</c>: the root chain, every signature and
/// threshold, every version and hash link from the timestamp down to each bin, every target
/// file's length and sha256, expiry of every role, and the consistency of the index documents
/// with the artifacts they name. Reads only; works on any <see cref="IObjectReader"/> (a store,
/// or the CDN over HTTP).
/// </summary>
public sealed class RegistryAuditor(IObjectReader reader, TimeProvider? time = null, int parallelism = 8)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

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
        CheckExpiry(state.Root.Signed, "root", now, errors, warnings);
        CheckExpiry(state.Timestamp.Signed, "timestamp", now, errors, warnings);
        CheckExpiry(state.Snapshot.Signed, "snapshot", now, errors, warnings);
        CheckExpiry(state.Targets.Signed, "targets", now, errors, warnings);
        if (state.Targets.Signed.Targets.Count > 0)
        {
            errors.Add("targets: lists targets directly; every target must be in a hashed bin");
        }

        var binNames = state.Bins.AllNames().ToList();
        var listed = state.Snapshot.Signed.Meta.Keys.Where(k => k != "targets.json").ToHashSet(StringComparer.Ordinal);
        foreach (var extra in listed.Except(binNames.Select(b => b + ".json")))
        {
            errors.Add($"snapshot: lists '{extra}', which is not a bin of the delegation");
        }

        var targets = new ConcurrentDictionary<string, TargetFile>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(binNames, Options(cancellationToken), async (bin, ct) =>
        {
            try
            {
                var document = await state.GetBinAsync(bin, ct).ConfigureAwait(false);
                CheckExpiry(document.Signed, bin, now, errors, warnings);
                foreach (var (path, info) in document.Signed.Targets)
                {
                    targets[path] = info;
                }
            }
            catch (VerificationException e)
            {
                errors.Add(e.Message);
            }
        }).ConfigureAwait(false);

        long bytes = 0;
        var contents = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(targets, Options(cancellationToken), async (pair, ct) =>
        {
            var (path, info) = pair;
            var key = RegistryLayout.TargetKey(path, info.Sha256);
            var stored = await reader.GetOrNullAsync(key, ct).ConfigureAwait(false);
            if (stored is null)
            {
                errors.Add($"{key}: target '{path}' is listed in the metadata but missing");
                return;
            }

            if (stored.Content.LongLength != info.Length || !Hashing.HexEquals(Hashing.Sha256Hex(stored.Content), info.Sha256))
            {
                errors.Add($"{key}: length or sha256 differs from the signed metadata (tampered or corrupt)");
                return;
            }

            Interlocked.Add(ref bytes, stored.Content.LongLength);
            if (!path.StartsWith("packages/", StringComparison.Ordinal))
            {
                contents[path] = stored.Content;
            }
        }).ConfigureAwait(false);

        var (packages, versions) = CheckIndexes(targets, contents, errors);
        return new AuditReport(
            errors.Order(StringComparer.Ordinal).ToList(), warnings.Order(StringComparer.Ordinal).ToList(),
            packages, versions, targets.Count, bytes);
    }

    private static (int Packages, int Versions) CheckIndexes(IReadOnlyDictionary<string, TargetFile> targets, IReadOnlyDictionary<string, byte[]> contents, ConcurrentBag<string> errors)
    {
        int packages = 0, versions = 0;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, content) in contents.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            try
            {
                if (path.StartsWith("index/", StringComparison.Ordinal))
                {
                    var index = IndexJson.ParseIndex(content, path);
                    packages++;
                    if (RegistryLayout.IndexPath(index.Name) != path || !PackageName.IsValid(index.Name))
                    {
                        errors.Add($"{path}: names package '{index.Name}'");
                    }

                    if (!contents.ContainsKey(RegistryLayout.NamePath(PackageName.Normalize(index.Name))))
                    {
                        errors.Add($"{path}: no name marker {RegistryLayout.NamePath(PackageName.Normalize(index.Name))}");
                    }

                    foreach (var entry in index.Versions)
                    {
                        versions++;
                        referenced.Add(entry.Artifact);
                        if (!NuGetVersion.TryParse(entry.Version, out _))
                        {
                            errors.Add($"{path}: version '{entry.Version}' is not SemVer");
                        }

                        if (!targets.TryGetValue(entry.Artifact, out var artifact))
                        {
                            errors.Add($"{path}: {index.Name} {entry.Version} names artifact '{entry.Artifact}', which no bin lists");
                        }
                        else if (artifact.Length != entry.Length || !Hashing.HexEquals(artifact.Sha256, entry.Sha256))
                        {
                            errors.Add($"{path}: {index.Name} {entry.Version}: length/sha256 differ from the signed target '{entry.Artifact}'");
                        }
                    }
                }
                else if (path.StartsWith("names/", StringComparison.Ordinal))
                {
                    var marker = IndexJson.ParseMarker(content, path);
                    if (RegistryLayout.NamePath(PackageName.Normalize(marker.Name)) != path || !contents.ContainsKey(RegistryLayout.IndexPath(marker.Name)))
                    {
                        errors.Add($"{path}: marker for '{marker.Name}' has no matching index document");
                    }
                }
                else
                {
                    errors.Add($"{path}: unexpected target path (targets are index/, names/ and packages/)");
                }
            }
            catch (VerificationException e)
            {
                errors.Add(e.Message);
            }
        }

        foreach (var path in targets.Keys.Where(p => p.StartsWith("packages/", StringComparison.Ordinal) && !referenced.Contains(p)))
        {
            errors.Add($"{path}: artifact listed in a bin but in no package index");
        }

        return (packages, versions);
    }

    private static void CheckExpiry(SignedBase signed, string role, DateTimeOffset now, ConcurrentBag<string> errors, ConcurrentBag<string> warnings)
    {
        if (signed.Expires <= now)
        {
            errors.Add($"{role}: version {signed.Version} expired at {signed.Expires:yyyy-MM-ddTHH:mm:ssZ}; run 'registry refresh'");
        }
        else if (signed.Expires <= now.AddDays(7) && role != "timestamp")
        {
            warnings.Add($"{role}: version {signed.Version} expires at {signed.Expires:yyyy-MM-ddTHH:mm:ssZ}; run 'registry refresh' with its key");
        }
        else if (role == "timestamp" && signed.Expires <= now.AddDays(1))
        {
            warnings.Add($"timestamp: expires at {signed.Expires:yyyy-MM-ddTHH:mm:ssZ}; schedule 'registry refresh'");
        }
    }

    private ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
}

/// <summary>The result of an audit: an empty <see cref="Errors"/> means the registry verifies.</summary>
public sealed record AuditReport(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, int Packages, int Versions, int Targets, long TargetBytes)
{
    public bool Ok => Errors.Count == 0;
}
