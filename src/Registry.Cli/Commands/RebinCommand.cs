using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry rebin</c>: re-shard a live registry into another number of hashed bins, in one signed
/// commit.</summary>
internal static class RebinCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var binCount = new BinCountOptions("The new number of hashed bins, a power of two from 2 to 1048576; without "
            + "it (and without --expected-packages), the best count for the packages the registry holds");
        var json = CliContext.JsonOption();
        var command = new Command("rebin", "Re-shard a live registry into another number of hashed bins in one signed "
            + "commit (new bins, targets.json, snapshot, timestamp): clients, mirrors and TUF clients follow it like "
            + "any publish, a killed rebin leaves the old state; needs the targets, snapshot and timestamp keys; "
            + "asking for the current count writes nothing");
        store.AddTo(command);
        binCount.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var count = binCount.Resolve(parse, 0);
            using var keys = store.LoadKeys(parse, context);
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var result = await new RegistryWriter(
                target,
                keys,
                TimeProvider.System,
                new WriterOptions { Views = RegistryViews.All }).RebinAsync(count, ct).ConfigureAwait(false);
            var plan = result.Plan;
            if (context.Json)
            {
                var output = new RebinOutput(
                    plan.OldBins, plan.NewBins, plan.Targets, plan.RetiredSnapshotEntries, result.Stats);
                await context.WriteJsonAsync(output, CliJsonContext.Default.RebinOutput).ConfigureAwait(false);
                return CliApp.Ok;
            }

            if (result.Stats is not { } stats)
            {
                await context.Out.WriteLineAsync(
                    $"{target.Location} already has {plan.OldBins} bins; nothing was changed").ConfigureAwait(false);
                return CliApp.Ok;
            }

            await context.Out.WriteLineAsync(
                $"re-sharded {plan.Targets} index documents from {plan.OldBins} into {plan.NewBins} bins; snapshot "
                + $"{stats.SnapshotVersion}, timestamp {stats.TimestampVersion} ({stats.FilesWritten} files, "
                + $"{stats.BytesWritten / 1024.0:0.#} KiB)").ConfigureAwait(false);
            if (plan.Targets is { } packages)
            {
                var (was, now) = (HashBins.PublishBytes(packages, plan.OldBins), HashBins.PublishBytes(
                    packages,
                    plan.NewBins,
                    plan.RetiredSnapshotEntries));
                if (now > was)
                {
                    await context.WarnAsync($"with the {plan.RetiredSnapshotEntries} retired bins the snapshot keeps "
                        + $"listing, a publish now writes more than before ({now / 1024:0.#} KiB of bin and snapshot, "
                        + $"was {was / 1024:0.#} KiB) until the snapshot key is rotated: rebin to grow, not to shrink")
                            .ConfigureAwait(false);
                }

                await context.InfoAsync("a publish now rewrites about "
                    + $"{HashBins.PublishBytes(packages, plan.NewBins) / 1024:0.#} KiB of bin and snapshot at "
                    + $"{packages} packages (was {HashBins.PublishBytes(packages, plan.OldBins) / 1024:0.#} KiB), plus "
                    + $"{plan.RetiredSnapshotEntries * HashBins.SnapshotEntryBytes / 1024.0:0.#} KiB for the "
                    + $"{plan.RetiredSnapshotEntries} retired bins the snapshot keeps listing until the snapshot key "
                    + "is rotated").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }
}
