using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.NuGet;

namespace Registry.Cli.Commands;

/// <summary><c>registry nuget sync</c>: bring the NuGet view up to the signed index (after a killed publish, or a new NuGet URL).</summary>
internal static class NuGetCommand
{
    public static Command Create(CliContext context)
    {
        var group = new Command("nuget", "The NuGet v3 feed written beside the signed index for .nupkg packages (at NUGET-URL nuget/v3/index.json)");
        var store = new StoreOptions();
        var names = new Argument<string[]>("id") { Description = "Packages whose feed files to bring up to date (default: every package)", Arity = ArgumentArity.ZeroOrMore };
        var sync = new Command("sync", "Rewrite the NuGet feed files that differ from the signed index (versions lists, registrations, missing .nupkg/.nuspec); needs no key");
        store.AddTo(sync, keys: false);
        sync.Arguments.Add(names);
        sync.SetAction(async (parse, ct) =>
        {
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var given = parse.GetValue(names) is { Length: > 0 } list ? list : null;
            var stats = await NuGetFeedWriter.SyncStoreAsync(target, given, ct).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"NuGet feed of {stats.Packages} package(s) is up to date; wrote {stats.FilesWritten} files, {stats.BytesWritten} bytes").ConfigureAwait(false);
            return CliApp.Ok;
        });
        group.Subcommands.Add(sync);
        return group;
    }
}
