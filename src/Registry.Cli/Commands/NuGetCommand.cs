using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.NuGet;
using Registry.Core.Publishing;
using Registry.Core.Settings;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry sync [--view NAME] [NAME...]</c>: bring the derived views up to the signed index
/// (after a killed publish, a new URL, or a view turned on); <c>registry nuget sync</c> is its
/// alias for the NuGet feed.
/// </summary>
internal static class NuGetCommand
{
    public static Command CreateSync(CliContext context)
    {
        var store = new StoreOptions();
        var view = new Option<string?>(
            "--view") { Description = $"Only this view ({string.Join(", ", RegistryViews.All.Select(v => v.Name))}); "
                + "default: every view the registry's settings turn on" };
        var names = Names();
        var sync = new Command(
            "sync",
            "Rewrite the derived views' files (NuGet feed, ...) that differ from the signed index; needs no key");
        store.AddTo(sync, keys: false);
        sync.Options.Add(view);
        sync.Arguments.Add(names);
        sync.SetAction((parse, ct) => RunAsync(context, store, parse, parse.GetValue(view), parse.GetValue(names), ct));
        return sync;
    }

    public static Command Create(CliContext context)
    {
        var group = new Command(
            "nuget",
            "The NuGet v3 feed written beside the signed index for .nupkg packages (at NUGET-URL nuget/v3/index.json)");
        var store = new StoreOptions();
        var names = Names();
        var sync = new Command("sync", "Rewrite the NuGet feed files that differ from the signed index (versions "
            + "lists, registrations, missing .nupkg/.nuspec); needs no key; the same as 'registry sync --view nuget'");
        store.AddTo(sync, keys: false);
        sync.Arguments.Add(names);
        sync.SetAction((parse, ct) => RunAsync(context, store, parse, NuGetView.ViewName, parse.GetValue(names), ct));
        group.Subcommands.Add(sync);
        return group;
    }

    private static Argument<string[]> Names() =>
        new("name") {
            Description = "Packages whose view files to bring up to date (default: every package)",
            Arity = ArgumentArity.ZeroOrMore };

    private static async Task<int> RunAsync(
        CliContext context,
        StoreOptions store,
        ParseResult parse,
        string? only,
        string[]? names,
        CancellationToken ct)
    {
        using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
        var settings = await RegistrySettings.LoadAsync(target, ct).ConfigureAwait(false);
        var given = names is { Length: > 0 } list ? list : null;
        var results = await new ViewSync(target, RegistryViews.All, TimeProvider.System).SyncAsync(
            settings,
            given,
            ct,
            only).ConfigureAwait(false);
        if (results.Count == 0)
        {
            await context.Out.WriteLineAsync("no view is turned on in this registry's settings; nothing to sync")
                .ConfigureAwait(false);
        }

        foreach (var stats in results)
        {
            var label = stats.View == NuGetView.ViewName ? "NuGet feed" : $"{stats.View} view";
            await context.Out.WriteLineAsync($"{label} of {stats.Packages} package(s) is up to date; wrote "
                + $"{stats.FilesWritten} files, {stats.BytesWritten} bytes").ConfigureAwait(false);
        }

        return CliApp.Ok;
    }
}
