using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;

namespace Registry.Cli.Commands;

/// <summary><c>registry refresh</c>: re-sign the timestamp (and whatever expires soon, when its key is held); exit 1
/// when an expired role cannot be re-signed.</summary>
internal static class RefreshCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var command = new Command("refresh", "Re-sign timestamp.json (needs only the timestamp key), any role near "
            + "expiry whose key is given, and after a root rotation every role whose keys changed; fails, writing "
            + "nothing, when a role has expired and the keys given cannot re-sign it; run it on a schedule");
        var json = CliContext.JsonOption();
        store.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var keys = store.LoadKeys(parse, context);
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var result = await new RegistryWriter(
                target,
                keys,
                TimeProvider.System,
                new WriterOptions { Views = RegistryViews.All }).RefreshAsync(ct).ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(
                    new RefreshOutput(result.Resigned, result.MissingKeys, result.Stats),
                    CliJsonContext.Default.RefreshOutput).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"re-signed {string.Join(", ", result.Resigned)}; timestamp {result.Stats.TimestampVersion}")
                        .ConfigureAwait(false);
            }

            await LogWarnings.WarnWitnessesAsync(context, result.Stats).ConfigureAwait(false);
            foreach (var missing in result.MissingKeys)
            {
                await context.WarnAsync($"expires soon and its key was not given: {missing}").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }
}
