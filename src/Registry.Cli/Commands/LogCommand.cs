using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary><c>registry log watch</c>: every change the transparency log records for the named packages.</summary>
internal static class LogCommand
{
    public static Command Create(CliContext context)
    {
        var group = new Command("log", "Read a registry's transparency log");
        var names = new Argument<string[]>("name") {
            Description = "Package names to watch",
            Arity = ArgumentArity.OneOrMore };
        var since = new Option<long>(
            "--since") { Description = "Start at this entry index (default 0: the whole log); a monitor passes the "
                + "size it printed last time" };
        var source = new Option<string?>("--source") {
            Description = "The configured source to read (default: the first)" };
        var json = CliContext.JsonOption();
        var watch = new Command("watch", "List every log entry that changed the named packages, each verified against "
            + "the checkpoint the client verified; exit 1 when an entry does not verify");
        watch.Arguments.Add(names);
        watch.Options.Add(since);
        watch.Options.Add(source);
        watch.Options.Add(json);
        watch.SetAction(async (parse, ct) =>
        {
            var home = RegistryHome.Default();
            var config = home.Source(parse.GetValue(source));
            using var client = new RegistryClient(
                home,
                config,
                TimeProvider.System,
                HttpPolicy.FromEnvironment(),
                limits: ClientLimits.FromEnvironment());
            var result = await new LogWatcher(home, config, HttpPolicy.FromEnvironment()).WatchAsync(
                client,
                parse.GetValue(names)!,
                parse.GetValue(since),
                ct).ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(result, CliJsonContext.Default.WatchResult).ConfigureAwait(false);
                return CliApp.Ok;
            }

            foreach (var change in result.Changes)
            {
                await context.Out.WriteLineAsync($"{change.Index} {change.Package} index sha256:{change.IndexSha256} "
                    + $"timestamp {change.TimestampVersion} snapshot {change.SnapshotVersion}").ConfigureAwait(false);
            }

            await context.InfoAsync($"read entries {result.From}..{result.Size - 1} of the log (checkpoint size "
                + $"{result.Size}, root {result.RootHash}); next time: --since {result.Size}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        group.Subcommands.Add(watch);
        return group;
    }
}
