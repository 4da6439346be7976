using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Publishing;
using Registry.Core.Settings;

namespace Registry.Cli.Commands;

/// <summary><c>registry gc</c>: remove unreferenced files and store leftovers older than a grace period.</summary>
internal static class GcCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var grace = new Option<string?>(
            "--grace") { Description = "Keep every file younger than this and everything a state current within it "
                + "references: 90m, 12h, 7d, 2w [default: 7d]" };
        var graceDays = new Option<double?>("--grace-days") {
            Description = "The grace period in days (same as --grace Nd)" };
        var dryRun = new Option<bool>("--dry-run") {
            Description = "List what would be deleted without deleting or writing anything" };
        var json = CliContext.JsonOption("the result");
        var command = new Command("gc", "Delete files no state current within the grace period references (replaced "
            + "metadata, leftovers of crashed publishes); never roots or timestamp.json");
        store.AddTo(command, keys: false, unsafeStore: false);
        command.Options.Add(grace);
        command.Options.Add(graceDays);
        command.Options.Add(dryRun);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var period = GracePeriod(parse.GetValue(grace), parse.GetValue(graceDays));
            var isDryRun = parse.GetValue(dryRun);

            // No precondition probe: it writes, and gc needs neither create-only writes nor compare-and-swap.
            using var target = await StoreFactory.OpenAsync(
                store.StoreLocation(parse),
                parse.GetValue(store.S3Endpoint),
                publicRead: false,
                ct).ConfigureAwait(false);
            var settings = await RegistrySettings.LoadAsync(target, ct).ConfigureAwait(false);
            if (period < TimeSpan.FromDays(settings.TimestampExpiryDays))
            {
                await context.WarnAsync($"grace period {Durations.Format(period)} is shorter than the timestamp expiry "
                    + $"({settings.TimestampExpiryDays}d): a reader holding an older, still valid timestamp (an edge "
                    + "past its max-age, a mirror mid-sync) may find files gone").ConfigureAwait(false);
            }

            var result = await new RegistryCollector(target, TimeProvider.System).CollectAsync(period, isDryRun, ct)
                .ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(result, CliJsonContext.Default.CollectResult).ConfigureAwait(false);
                return CliApp.Ok;
            }

            foreach (var file in result.Files)
            {
                await context.Out.WriteLineAsync(
                    $"{(isDryRun ? "would delete" : "deleted")} {file.Key} ({file.Length} bytes)")
                        .ConfigureAwait(false);
            }

            foreach (var key in result.Restored)
            {
                await context.WarnAsync($"put back {key}: a publish that ran during gc re-used it")
                    .ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync($"{(isDryRun ? "would delete" : "deleted")} {result.DeletedFiles} files, "
                + $"{result.DeletedBytes} bytes; kept {result.Kept}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static TimeSpan GracePeriod(string? grace, double? graceDays)
    {
        if (grace is not null && graceDays is not null)
        {
            throw new EnvironmentException("gc: give --grace or --grace-days, not both");
        }

        if (graceDays is { } days)
        {
            return days >= 0 && days <= 36500
                ? TimeSpan.FromDays(days)
                : throw new EnvironmentException($"gc --grace-days: {days} is not between 0 and 36500");
        }

        return grace switch
        {
            null => TimeSpan.FromDays(7),
            "0" => TimeSpan.Zero,
            _ => Durations.Parse(grace, "gc --grace"),
        };
    }
}
