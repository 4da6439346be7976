using System.Text.Json;
using NuGet.Versioning;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Core.NuGet;

/// <summary>
/// The NuGet view against the signed index, for <c>registry verify</c>. Errors are what a NuGet
/// client would be hurt by: a versions list naming a version the signed index does not have, or
/// whose .nupkg is missing or has other bytes than the signed ones, or no .nuspec; malformed
/// documents. A view that is only behind the signed index (a version not listed yet, a yanked
/// version still listed, a registration to rewrite) is a warning: a publish killed after its
/// commit leaves exactly that, and <c>registry sync</c> repairs it.
/// </summary>
public sealed class NuGetFeedAuditor(IObjectReader reader, string? baseUrl) : IViewAudit
{
    private const string Sync = "run 'registry nuget sync'";

    /// <summary>Reads the service index (null when there is none) and returns an auditor for the base URL it
    /// names.</summary>
    public static async Task<NuGetFeedAuditor> OpenAsync(
        IObjectReader reader,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        var stored = await reader.GetCappedOrNullAsync(NuGetFeed.ServiceIndexKey, 1024 * 1024, cancellationToken)
            .ConfigureAwait(false);
        if (stored is null)
        {
            return new NuGetFeedAuditor(reader, null);
        }

        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            foreach (var resource in document.RootElement.GetProperty("resources").EnumerateArray())
            {
                if (resource.GetProperty("@type").GetString() == "PackageBaseAddress/3.0.0"
                    && resource.GetProperty("@id").GetString() is { } id && id.EndsWith(
                        NuGetFeed.FlatContainer,
                        StringComparison.Ordinal))
                {
                    return new NuGetFeedAuditor(reader, id[..^NuGetFeed.FlatContainer.Length]);
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        findings.Error($"{NuGetFeed.ServiceIndexKey}: not a NuGet service index with a PackageBaseAddress/3.0.0 ending "
            + $"in {NuGetFeed.FlatContainer}; {Sync}");
        return new NuGetFeedAuditor(reader, null);
    }

    public Task FinishAsync(ViewFindings findings, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task CheckAsync(PackageIndex index, ViewFindings findings, CancellationToken cancellationToken)
    {
        var entries = NuGetFeed.NuGetEntries(index)
            .ToDictionary(e => NuGetFeed.VersionText(e.Version), StringComparer.Ordinal);
        if (entries.Count == 0)
        {
            return;
        }

        var name = index.Name;
        var versionsKey = NuGetFeed.VersionsKey(name);
        var listed = await ReadVersionsAsync(versionsKey, findings, cancellationToken).ConfigureAwait(false);
        if (baseUrl is null)
        {
            if (listed is { Count: > 0 })
            {
                findings.Error($"{versionsKey}: lists versions but the feed has no service index "
                    + $"({NuGetFeed.ServiceIndexKey}); {Sync}");
            }
            else
            {
                findings.Warning($"{name}: has NuGet versions but the NuGet feed is not written; {Sync}");
            }

            return;
        }

        foreach (var version in listed ?? [])
        {
            if (!entries.TryGetValue(version, out var entry))
            {
                findings.Error($"{versionsKey}: lists {name} {version}, which the signed index does not have");
                continue;
            }

            if (entry.Yanked)
            {
                findings.Warning($"{versionsKey}: still lists {name} {version}, which is yanked; {Sync}");
            }

            await CheckFilesAsync(name, version, entry, findings, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (version, _) in entries.Where(e => !e.Value.Yanked && !(listed ?? []).Contains(e.Key)))
        {
            findings.Warning(
                $"{versionsKey}: does not list {name} {version} yet (published in the signed index); {Sync}");
        }

        var registrationKey = NuGetFeed.RegistrationKey(name);
        var registration = await reader.GetOrNullAsync(registrationKey, cancellationToken).ConfigureAwait(false);
        if (registration is null
            || !registration.Content.AsSpan().SequenceEqual(NuGetFeed.RegistrationIndex(baseUrl, index)))
        {
            findings.Warning(
                $"{registrationKey}: {(registration is null ? "missing" : "differs from the signed index")}; {Sync}");
        }
    }

    /// <summary>A listed version's .nupkg must be the signed bytes, and its .nuspec must be there.</summary>
    private async Task CheckFilesAsync(
        string name,
        string version,
        IndexEntry entry,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        var packageKey = NuGetFeed.PackageKey(name, version);
        var (found, mismatch) = await reader.CheckPinnedStreamAsync(
            packageKey,
            entry.Length,
            entry.Sha256,
            cancellationToken).ConfigureAwait(false);
        if (!found)
        {
            findings.Error($"{packageKey}: listed in the versions list but missing");
        }
        else if (mismatch is not null)
        {
            findings.Error($"{mismatch} (the NuGet feed's copy of {name} {version} is not the signed artifact)");
        }

        if (!await reader.ExistsAsync(NuGetFeed.NuspecKey(name, version), cancellationToken).ConfigureAwait(false))
        {
            findings.Error($"{NuGetFeed.NuspecKey(name, version)}: listed in the versions list but missing");
        }
    }

    private async Task<List<string>?> ReadVersionsAsync(
        string key,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        var stored = await reader.GetCappedOrNullAsync(key, 16 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(stored.Content);
            return document.RootElement.GetProperty("versions").EnumerateArray()
                .Select(v => NuGetVersion.TryParse(v.GetString(), out var parsed)
                    ? RegistryLayout.VersionText(parsed)
                    : throw new JsonException($"'{v}' is not a version"))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            findings.Error($"{key}: not a versions list ({{\"versions\": [...]}}): "
                + $"{(e is JsonException json ? JsonProblem.Describe(json) : "no \"versions\" array of strings")}");
            return [];
        }
    }
}
