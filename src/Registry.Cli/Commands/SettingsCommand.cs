using System.CommandLine;
using System.Text;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Settings;

namespace Registry.Cli.Commands;

/// <summary><c>registry settings</c>: show the publisher settings, or change expiries, the refresh margin and the
/// timestamp max-age.</summary>
internal static class SettingsCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var expiry = new Option<string[]>("--expiry")
        {
            Description = "New signature lifetimes, ROLE=DURATION[,...] with ROLE root, targets, bins, snapshot or "
                + "timestamp, whole days from 1d to 3650d; they apply from the next signature",
        };
        var margin = new Option<string?>(
            "--refresh-margin") { Description = "'registry refresh' re-signs a role whose time left is under this (at "
                + "most half its expiry), e.g. 30d" };
        var maxAge = new Option<int?>("--timestamp-max-age") {
            Description = "Seconds edges may cache timestamp.json, from the next timestamp written" };
        var nugetUrl = new Option<string?>(
            "--nuget-url") { Description = "The public base URL the registry is served at, for the NuGet feed's "
                + "absolute URLs; then run 'registry nuget sync' to rewrite the feed" };
        var search = new Option<string?>(
            "--search") { Description = "Write the static search index on publish: on or off; after 'on', run "
                + "'registry sync --view search' to index the packages already published" };
        search.AcceptOnlyFromAmong("on", "off");
        var site = new Option<string?>(
            "--site") { Description = "Write the static web site at the store's root after each publish: on or off; "
                + "then run 'registry sync' to write it for packages already published" };
        site.AcceptOnlyFromAmong("on", "off");
        var command = new Command("settings", "Show the registry's publisher settings (registry-config.json), or "
            + "change signature expiries, the refresh margin, the timestamp max-age");
        store.AddTo(command, keys: false);
        command.Options.Add(expiry);
        command.Options.Add(margin);
        command.Options.Add(maxAge);
        command.Options.Add(nugetUrl);
        command.Options.Add(search);
        command.Options.Add(site);
        var witnesses = new Option<string[]>("--witness")
        {
            Description = "The witnesses publish, yank and refresh ask to cosign the log's checkpoint, "
                + "each URL=VKEY (replaces the list; --witness none clears it)",
            AllowMultipleArgumentsPerToken = true,
        };
        command.Options.Add(witnesses);
        var knownRegistry = new Option<string[]>("--known-registry")
        {
            Description = "A registry packages' dependencies may name, NAME=URL#ROOT_SHA256 (the sha256 of its "
                + "metadata/1.root.json), added or replaced; NAME=none forgets it",
            AllowMultipleArgumentsPerToken = true,
        };
        command.Options.Add(knownRegistry);
        command.SetAction(async (parse, ct) =>
        {
            var expiries = Durations.ParseRoleList(
                parse.GetValue(expiry) ?? [],
                RegistrySettings.ExpiryRoles,
                "--expiry");
            var newMargin = parse.GetValue(margin) is { } text
                ? Durations.Parse(text, "--refresh-margin")
                : (TimeSpan?)null;
            var newUrl = parse.GetValue(nugetUrl) is { } url ? PublicBaseUrl.Normalize(url) : null;
            var newSearch = parse.GetValue(search) is { } onOff ? onOff == "on" : (bool?)null;
            var newSite = parse.GetValue(site) is { } siteOnOff ? siteOnOff == "on" : (bool?)null;
            var newWitnesses = parse.GetValue(witnesses) is { Length: > 0 } given ? WitnessList(given) : null;
            var knownChanges = (parse.GetValue(knownRegistry) ?? []).Select(KnownRegistryChange).ToList();
            var change = knownChanges.Count > 0 || newWitnesses is not null || expiries.Count > 0
                || newMargin is not null
                || parse.GetValue(maxAge) is not null
                || newUrl is not null
                || newSearch is not null
                || newSite is not null;
            using var target = change
                ? await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false)
                : await StoreFactory.OpenAsync(
                    store.StoreLocation(parse),
                    parse.GetValue(store.S3Endpoint),
                    publicRead: false,
                    ct).ConfigureAwait(false);
            var (settings, tag) = await RegistrySettings.LoadWithTagAsync(target, ct).ConfigureAwait(false);
            if (change)
            {
                settings = settings.WithExpiry(expiries) with
                {
                    RefreshMarginDays = newMargin is { } m ? (int)m.TotalDays : settings.RefreshMarginDays,
                    TimestampMaxAgeSeconds = parse.GetValue(maxAge) ?? settings.TimestampMaxAgeSeconds,
                    NuGetUrl = newUrl ?? settings.NuGetUrl,
                    Site = newSite ?? settings.Site,
                };
                settings = settings with { Search = newSearch ?? settings.Search, Witnesses = newWitnesses is null
                    ? settings.Witnesses
                    : newWitnesses.Count == 0 ? null : newWitnesses };
                settings = WithKnownRegistries(settings, knownChanges);
                await settings.SaveAsync(target, tag, ct).ConfigureAwait(false);
                if (newUrl is not null)
                {
                    await context.InfoAsync("NuGet feed URL set; run 'registry nuget sync --store "
                        + $"{store.StoreLocation(parse)}' to write the feed of packages already published")
                            .ConfigureAwait(false);
                }

                await context.InfoAsync("saved; new lifetimes apply to the next signature of each role ('registry "
                    + "refresh' re-signs what falls within its refresh window)").ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync(Encoding.UTF8.GetString(settings.ToJson())).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary><c>NAME=URL#SHA256</c> to add or replace an alias, <c>NAME=none</c> (pin null) to forget it.</summary>
    private static (string Name, Core.Index.RegistryPin? Pin) KnownRegistryChange(string text) =>
        text.EndsWith("=none", StringComparison.Ordinal)
            && text.IndexOf('=', StringComparison.Ordinal) == text.Length - "=none".Length
            ? (text[..^"=none".Length], null)
            : RegistrySettings.ParseKnownRegistry(text);

    private static RegistrySettings WithKnownRegistries(
        RegistrySettings settings,
        List<(string Name, Core.Index.RegistryPin? Pin)> changes)
    {
        if (changes.Count == 0)
        {
            return settings;
        }

        var known = new SortedDictionary<string, Core.Index.RegistryPin>(
            settings.KnownRegistries?.ToDictionary() ?? [],
            StringComparer.Ordinal);
        foreach (var (name, pin) in changes)
        {
            if (pin is null)
            {
                known.Remove(name);
            }
            else
            {
                known[name] = pin;
            }
        }

        return settings with { KnownRegistries = known.Count == 0 ? null : known };
    }

    private static List<string> WitnessList(string[] given)
    {
        if (given is ["none"])
        {
            return [];
        }

        try
        {
            return [.. given.Select(w => Registry.Log.WitnessEndpoint.Parse(w).ToString())];
        }
        catch (Registry.Log.LogException e)
        {
            throw new EnvironmentException("--witness: " + e.Message);
        }
    }
}
