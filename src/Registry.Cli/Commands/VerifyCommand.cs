using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;

namespace Registry.Cli.Commands;

/// <summary><c>registry verify</c>: audit every signature, hash, length, expiry and reference.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var json = CliContext.JsonOption("the report");
        var command = new Command(
            "verify",
            "Audit a registry in a store or over HTTP(S): signatures, hashes, lengths, expiry, references");
        store.AddTo(command, keys: false, unsafeStore: false);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            using var reader = await ReaderFactory.OpenAsync(
                store.StoreLocation(parse),
                parse.GetValue(store.S3Endpoint),
                ct).ConfigureAwait(false);
            var report = await new RegistryAuditor(reader, TimeProvider.System, views: RegistryViews.All).AuditAsync(ct)
                .ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(report, CliJsonContext.Default.AuditReport).ConfigureAwait(false);
            }
            else
            {
                foreach (var warning in report.Warnings)
                {
                    await context.WarnAsync(warning).ConfigureAwait(false);
                }

                foreach (var error in report.Errors)
                {
                    await context.Out.WriteLineAsync($"FAIL {error}").ConfigureAwait(false);
                }

                await context.Out.WriteLineAsync(report.Ok
                    ? $"OK {reader.Location}: {report.Packages} packages, {report.Versions} versions, {report.Targets} "
                        + $"targets ({report.TargetBytes} bytes) verified"
                    : $"FAILED {reader.Location}: {report.Errors.Count} problem(s)").ConfigureAwait(false);
            }

            return report.Ok ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }
}
