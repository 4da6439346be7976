using System.Text;
using System.Text.RegularExpressions;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Views;

namespace Registry.Site.Internal;

/// <summary>
/// The site against the signed index, for <c>registry verify</c>. Errors are what a reader would
/// be misled by: a page listing a version the signed index does not have, a page whose sha256
/// differs from the signed one, counts above what the index holds, a state file that is not the
/// site's. A site that is only behind (a page missing, a version not listed yet, a yank state not
/// shown yet, counts below the index's) is a warning: a publish killed after its commit leaves
/// exactly that, and <c>registry sync</c> repairs it.
/// </summary>
internal sealed partial class SiteAudit(IObjectReader reader, SiteState? state) : IViewAudit
{
    private const string Sync = "run 'registry sync'";
    private const long MaxPage = 16 * 1024 * 1024;

    private int _packages;
    private long _versions;

    public static async Task<SiteAudit> OpenAsync(
        IObjectReader reader,
        bool turnedOn,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        var stored = await reader.GetCappedOrNullAsync(SiteWriter.StateKey, MaxPage, cancellationToken)
            .ConfigureAwait(false);
        if (stored is null)
        {
            // A site the settings leave off and that was never written has nothing to report.
            if (turnedOn)
            {
                findings.Warning($"{SiteWriter.StateKey}: the web site is not written; {Sync}");
            }

            return new SiteAudit(reader, null);
        }

        var state = SiteState.TryParse(stored.Content);
        if (state is null)
        {
            findings.Error($"{SiteWriter.StateKey}: not the site's state (unreadable); {Sync}");
        }

        return new SiteAudit(reader, state);
    }

    public async Task CheckAsync(PackageIndex index, ViewFindings findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        Interlocked.Increment(ref _packages);
        Interlocked.Add(ref _versions, index.Versions.Count);
        if (state is null)
        {
            return;
        }

        var signed = index.Versions.ToDictionary(e => PackagePage.VersionText(e.Version), StringComparer.Ordinal);
        var key = PackagePage.Key(index.Name);
        var page = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (page is null)
        {
            findings.Warning($"{key}: {index.Name} has no package page yet; {Sync}");
            return;
        }

        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match row in Row().Matches(page))
        {
            var version = row.Groups["version"].Value;
            shown.Add(version);
            Compare(
                findings,
                key,
                index.Name,
                version,
                row.Groups["yanked"].Value == "true",
                row.Groups["sha"].Value,
                signed);
        }

        foreach (var (version, entry) in signed)
        {
            if (!shown.Contains(version))
            {
                findings.Warning($"{key}: does not list {index.Name} {version} yet; {Sync}");
            }

            var versionKey = PackagePage.VersionKey(index.Name, entry.Version);
            var versionPage = await ReadAsync(versionKey, cancellationToken).ConfigureAwait(false);
            if (versionPage is null)
            {
                findings.Warning($"{versionKey}: {index.Name} {version} has no page yet; {Sync}");
            }
            else if (Main().Match(versionPage) is { Success: true } main)
            {
                Compare(
                    findings,
                    versionKey,
                    index.Name,
                    main.Groups["version"].Value,
                    main.Groups["yanked"].Value == "true",
                    main.Groups["sha"].Value,
                    signed);
            }
            else
            {
                findings.Error($"{versionKey}: not a version page of this site; {Sync}");
            }
        }
    }

    public async Task FinishAsync(ViewFindings findings, CancellationToken cancellationToken)
    {
        if (state is null)
        {
            return;
        }

        if (!await reader.ExistsAsync(HomePage.Key, cancellationToken).ConfigureAwait(false))
        {
            findings.Warning($"{HomePage.Key}: the home page is not written; {Sync}");
        }

        Count(findings, "packages", state.Packages, _packages);
        Count(findings, "versions", state.Versions, _versions);
    }

    private static void Count(ViewFindings findings, string what, long shown, long signed)
    {
        if (shown > signed)
        {
            findings.Error($"{HomePage.Key}: counts {shown} {what}, the signed index has {signed}; {Sync}");
        }
        else if (shown < signed)
        {
            findings.Warning($"{HomePage.Key}: counts {shown} {what}, the signed index has {signed} (behind); {Sync}");
        }
    }

    private static void Compare(
        ViewFindings findings,
        string key,
        string name,
        string version,
        bool yanked,
        string sha256,
        Dictionary<string, IndexEntry> signed)
    {
        if (!signed.TryGetValue(version, out var entry))
        {
            findings.Error($"{key}: shows {name} {version}, which the signed index does not have; {Sync}");
        }
        else if (!string.Equals(entry.Sha256, sha256, StringComparison.Ordinal))
        {
            findings.Error(
                $"{key}: shows sha256 {sha256} for {name} {version}, the signed index pins {entry.Sha256}; {Sync}");
        }
        else if (entry.Yanked != yanked)
        {
            findings.Warning($"{key}: shows {name} {version} as {(yanked ? "yanked" : "available")}, the signed index "
                + $"says {(entry.Yanked ? "yanked" : "available")} (behind); {Sync}");
        }
    }

    private async Task<string?> ReadAsync(string key, CancellationToken cancellationToken) =>
        await reader.GetCappedOrNullAsync(key, MaxPage, cancellationToken).ConfigureAwait(false) is { } stored
            ? Encoding.UTF8.GetString(stored.Content)
            : null;

    [GeneratedRegex("<tr data-version=\"(?<version>[^\"]*)\" "
        + "data-yanked=\"(?<yanked>true|false)\" data-sha256=\"(?<sha>[^\"]*)\">")]
    private static partial Regex Row();

    [GeneratedRegex("<main id=\"main\" tabindex=\"-1\" data-version=\"(?<version>[^\"]*)\" "
        + "data-yanked=\"(?<yanked>true|false)\" data-sha256=\"(?<sha>[^\"]*)\">")]
    private static partial Regex Main();
}
