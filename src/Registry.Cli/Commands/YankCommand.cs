using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;

namespace Registry.Cli.Commands;

/// <summary><c>registry yank</c>: mark a version as not for new resolutions (or undo it).</summary>
internal static class YankCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var name = new Argument<string>("name") { Description = "Package name" };
        var version = new Argument<string>("version") { Description = "Version to yank" };
        var reason = new Option<string?>("--reason") { Description = "Why (shown to users)" };
        var undo = new Option<bool>("--undo") { Description = "Un-yank the version" };
        var json = CliContext.JsonOption();
        var command = new Command(
            "yank",
            "Yank a version: new resolutions skip it, existing lock files still install it");
        store.AddTo(command);
        command.Arguments.Add(name);
        command.Arguments.Add(version);
        command.Options.Add(reason);
        command.Options.Add(undo);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var keys = store.LoadKeys(parse, context);
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var writer = new RegistryWriter(
                target,
                keys,
                TimeProvider.System,
                new WriterOptions { Views = RegistryViews.All });
            var result = await writer.YankAsync(
                parse.GetValue(name)!, parse.GetValue(version)!, parse.GetValue(reason), parse.GetValue(undo), ct)
                .ConfigureAwait(false);
            var text = result.Status switch
            {
                YankStatus.Yanked => "yanked",
                YankStatus.Unyanked => "un-yanked",
                _ => "unchanged",
            };
            await (context.Json
                ? context.WriteJsonAsync(new YankOutput(
                    parse.GetValue(name)!,
                    parse.GetValue(version)!,
                    text,
                    parse.GetValue(reason),
                    result.Stats,
                    RegistryViews.NuGetOf(result.Views)), CliJsonContext.Default.YankOutput)
                : context.Out
                    .WriteLineAsync($"{text} {parse.GetValue(name)} {parse.GetValue(version)}")).ConfigureAwait(false);
            await LogWarnings.WarnWitnessesAsync(context, result.Stats).ConfigureAwait(false);
            if (RegistryViews.NuGetOf(result.Views) is { } feed)
            {
                var change = result.Status == YankStatus.Yanked
                    ? "the version is unlisted and left out of the versions list"
                    : "versions list and registration updated";
                await context.InfoAsync($"NuGet feed: wrote {feed.FilesWritten} files ({change})")
                    .ConfigureAwait(false);
            }
            return CliApp.Ok;
        });
        return command;
    }
}
