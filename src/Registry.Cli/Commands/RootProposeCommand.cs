using System.CommandLine;
using System.Globalization;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Keys;
using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry root propose</c>: write the unsigned root N+1 with the requested key and threshold
/// changes.</summary>
internal static class RootProposeCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var addKey = new Option<string[]>(
            "--add-key") { Description = "ROLE=FILE: add the key in FILE (a .pub from 'registry keys generate', or a "
                + "private key) to ROLE (repeatable)" };
        var removeKey = new Option<string[]>(
            "--remove-key") { Description = "ROLE=KEYID: remove a key (its id, 8+ leading hex digits of it, or a file "
                + "holding it) from ROLE (repeatable)" };
        var threshold = new Option<string[]>("--threshold") {
            Description = "ROLE=N: how many of ROLE's keys must sign (repeatable)" };
        var expires = new Option<string?>("--expires") {
            Description = "How long the new root lasts from now, e.g. 365d (default: the registry's root expiry)" };
        var output = new Option<string>("--out", "-o") {
            Description = "Where to write the unsigned proposal (e.g. root-next.json)",
            Required = true };
        var passphraseEnv = Passphrases.CreateOption();
        var command = new Command("propose", "Write the unsigned next root version with keys added or removed, "
            + "thresholds changed, a new expiry; then 'root sign' it");
        store.AddTo(command, keys: false, unsafeStore: false);
        command.Options.Add(addKey);
        command.Options.Add(removeKey);
        command.Options.Add(threshold);
        command.Options.Add(expires);
        command.Options.Add(output);
        command.Options.Add(passphraseEnv);
        command.SetAction(async (parse, ct) =>
        {
            var passphrases = Passphrases.Source(parse.GetValue(passphraseEnv), context);
            var added = RootGroupCommand.Assignments(parse.GetValue(addKey), "--add-key")
                .Select(a => (a.Role, KeyFile.ReadPublic(a.Value, passphrases)))
                .ToList();
            var thresholds = RootGroupCommand.Assignments(parse.GetValue(threshold), "--threshold").ToDictionary(
                a => a.Role,
                a => int.TryParse(a.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new EnvironmentException($"--threshold {a.Role}={a.Value}: not a whole number"));
            using var reader = await ReaderFactory.OpenAsync(
                store.StoreLocation(parse),
                parse.GetValue(store.S3Endpoint),
                ct).ConfigureAwait(false);
            var current = (await RootChain.LoadChainAsync(reader, ct).ConfigureAwait(false))[^1];
            var edits = new RootEdits
            {
                AddKeys = added,
                RemoveKeys = [.. RootGroupCommand.Assignments(parse.GetValue(removeKey), "--remove-key")
                    .Select(a => File.Exists(a.Value)
                        ? (a.Role, SigningKey.KeyIdOf(KeyFile.ReadPublic(a.Value, passphrases)))
                        : a)],
                Thresholds = thresholds,
                Expires = parse.GetValue(expires) is { } text
                    ? Durations.Parse(text, "--expires")
                    : (await RegistrySettings.LoadAsync(reader, ct).ConfigureAwait(false)).ExpiryOf(RoleNames.Root),
            };
            var proposal = RootProposal.Propose(current.Signed, edits, TimeProvider.System.GetUtcNow());
            RootRotation.WriteProposal(parse.GetValue(output)!, proposal, replace: false);

            await context.Out.WriteLineAsync($"proposed root version {proposal.Signed.Version} (expires "
                + $"{proposal.Signed.Expires:yyyy-MM-ddTHH:mm:ssZ}) in {parse.GetValue(output)}").ConfigureAwait(false);
            foreach (var line in RootProposal.Describe(current.Signed, proposal.Signed)
                .DefaultIfEmpty("no key or threshold changes (a renewal)"))
            {
                await context.Out.WriteLineAsync($"  {line}").ConfigureAwait(false);
            }

            var root = current.Signed.Roles[RoleNames.Root];
            var next = proposal.Signed.Roles[RoleNames.Root];
            await context.InfoAsync(
                $"next: 'registry root sign {parse.GetValue(output)} --key KEY' by {root.Threshold} of the current "
                + $"root keys ({string.Join(", ", root.KeyIds.Select(SigningKey.ShortId))}) " +
                $"and {next.Threshold} of the new ones ({string.Join(", ", next.KeyIds.Select(SigningKey.ShortId))}), "
                + "then 'registry root publish'").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
