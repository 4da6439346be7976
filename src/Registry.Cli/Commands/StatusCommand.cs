using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Keys;
using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry status</c>: what expires when and which keys sign what; exit 1 if expired, 3 if within the
/// warning window.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var keys = new Option<string?>("--keys", "-k") {
            Description = "A keys folder: show which of its key files hold each role's keys" };
        var warn = new Option<string[]>("--warn")
        {
            Description = "Warning windows per role, ROLE=DURATION[,...] with ROLE root, targets, bins, snapshot or "
                + "timestamp (default: timestamp 1d, others 30d, each at most half the role's expiry)",
        };
        var json = CliContext.JsonOption("the report");
        var command = new Command("status", "Show each role's version, expiry, time left, keys and threshold; exit 0 "
            + "ok, 1 expired (or keys to re-sign), 3 within the warning window");
        store.AddTo(command, keys: false, unsafeStore: false);
        command.Options.Add(keys);
        command.Options.Add(warn);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var windows = Durations.ParseRoleList(parse.GetValue(warn) ?? [], RegistrySettings.ExpiryRoles, "--warn");
            var keyFiles = parse.GetValue(keys) is { } folder
                ? KeyFile.ScanFolder(folder)
                : new Dictionary<string, IReadOnlyList<string>>();
            using var reader = await ReaderFactory.OpenAsync(
                store.StoreLocation(parse),
                parse.GetValue(store.S3Endpoint),
                ct).ConfigureAwait(false);
            var report = await new StatusReporter(reader, TimeProvider.System).ReportAsync(windows, keyFiles, ct)
                .ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(report, CliJsonContext.Default.StatusReport).ConfigureAwait(false);
                return report.ExitCode;
            }

            await context.Out.WriteLineAsync(
                $"{report.Location} (root version {report.RootVersion}) at {report.Now:yyyy-MM-ddTHH:mm:ssZ}")
                    .ConfigureAwait(false);
            await context.Out.WriteLineAsync(
                $"{"role",-10} {"version",-9} {"expires",-20} {"left",-10} {"keys",-6} state").ConfigureAwait(false);
            foreach (var role in report.Roles)
            {
                var version = role.MaxVersion is { } max && max != role.Version
                    ? $"{role.Version}..{max}"
                    : $"{role.Version}";
                var state = role.Health switch
                {
                    RoleHealth.Ok => "ok",
                    RoleHealth.Warning => "WARNING",
                    RoleHealth.Expired => "EXPIRED",
                    _ => "STALE KEYS",
                };
                await context.Out.WriteLineAsync(
                    $"{role.Role,-10} {version,-9} {role.Expires:yyyy-MM-ddTHH:mm:ssZ} "
                    + $"{Durations.Format(TimeSpan.FromSeconds(role.SecondsLeft)),-10} "
                    + $"{$"{role.Threshold}/{role.KeyIds.Count}",-6} "
                    + $"{state}{(role.Note is null ? "" : ": " + role.Note)}").ConfigureAwait(false);
                foreach (var id in role.KeyIds)
                {
                    var files = keyFiles.GetValueOrDefault(id);
                    await context.Out.WriteLineAsync(
                        $"    key {id}{(files is null ? "" : "  held: " + string.Join(", ", files))}")
                            .ConfigureAwait(false);
                }
            }

            if (keyFiles.GetValueOrDefault("") is { } unknown)
            {
                await context.WarnAsync("encrypted key files without a .pub beside them (key id unknown without the "
                    + $"passphrase): {string.Join(", ", unknown)}").ConfigureAwait(false);
            }

            return report.ExitCode;
        });
        return command;
    }
}
