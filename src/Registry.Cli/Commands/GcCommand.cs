using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;

namespace Registry.Cli.Commands;

/// <summary><c>registry gc</c>: remove unreferenced files older than a grace period.</summary>
internal static class GcCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var graceDays = new Option<double>("--grace-days") { Description = "Keep unreferenced files younger than this (readers may still hold an older timestamp)", DefaultValueFactory = _ => 7 };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be deleted without deleting" };
        var command = new Command("gc", "Delete files no longer referenced by the current state (replaced metadata, leftovers of crashed publishes) once older than the grace period");
        store.AddTo(command, keys: false);
        command.Options.Add(graceDays);
        command.Options.Add(dryRun);
        command.SetAction(async (parse, ct) =>
        {
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var result = await new RegistryCollector(target).CollectAsync(TimeSpan.FromDays(parse.GetValue(graceDays)), parse.GetValue(dryRun), ct).ConfigureAwait(false);
            foreach (var key in result.Deleted)
            {
                await context.Out.WriteLineAsync($"{(parse.GetValue(dryRun) ? "would delete" : "deleted")} {key}").ConfigureAwait(false);
            }

            await context.InfoAsync($"{result.Deleted.Count} files ({result.DeletedBytes} bytes) {(parse.GetValue(dryRun) ? "to delete" : "deleted")}, {result.Kept} kept").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
