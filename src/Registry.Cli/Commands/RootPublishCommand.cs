using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Keys;
using Registry.Core.Publishing;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry root publish</c>: write a fully signed proposal as <c>metadata/N+1.root.json</c>,
/// create-only.</summary>
internal static class RootPublishCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var file = new Argument<string>("file") { Description = "The signed root proposal" };
        var keys = new Option<string?>(
            "--keys") { Description = "Right after publishing, re-sign what the new keys require (as 'registry "
                + "refresh' does) with the private keys in this folder" };
        var command = new Command("publish", "Publish a signed root proposal as the next root version; refused unless "
            + "the old and the new root's thresholds are both met");
        store.AddTo(command, keys: false);
        command.Options.Add(store.PassphraseEnv);
        command.Arguments.Add(file);
        command.Options.Add(keys);
        command.SetAction(async (parse, ct) =>
        {
            var proposal = RootRotation.ReadProposal(parse.GetValue(file)!);
            var keysFolder = parse.GetValue(keys);
            using var keyRing = keysFolder is null
                ? null
                : KeyRing.Load(keysFolder, Passphrases.Source(parse.GetValue(store.PassphraseEnv), context));
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var result = await RootRotation.PublishAsync(target, proposal, TimeProvider.System, ct)
                .ConfigureAwait(false);
            await context.Out.WriteLineAsync($"published {result.Key} sha256 {result.Sha256}").ConfigureAwait(false);
            foreach (var line in result.Changes)
            {
                await context.Out.WriteLineAsync($"  {line}").ConfigureAwait(false);
            }

            if (result.RolesWithNewKeys.Count == 0)
            {
                return CliApp.Ok;
            }

            var roles = string.Join(", ", result.RolesWithNewKeys);
            if (keyRing is null)
            {
                await context.WarnAsync($"the keys of {roles} changed: clients refuse the current metadata until it is "
                    + "re-signed; run 'registry refresh --keys DIR' with the new keys now").ConfigureAwait(false);
                return CliApp.Ok;
            }

            RefreshResult refresh;
            try
            {
                refresh = await new RegistryWriter(
                    target,
                    keyRing,
                    TimeProvider.System,
                    new WriterOptions { Views = RegistryViews.All }).RefreshAsync(ct).ConfigureAwait(false);
            }
            catch (RegistryException e)
            {
                throw new EnvironmentException($"root version {result.Version} is published, but re-signing {roles} "
                    + $"failed: {e.Message}; run 'registry refresh --keys DIR' with the new keys", e);
            }

            await context.Out.WriteLineAsync(
                $"re-signed {string.Join(", ", refresh.Resigned)}; timestamp {refresh.Stats.TimestampVersion}")
                    .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
