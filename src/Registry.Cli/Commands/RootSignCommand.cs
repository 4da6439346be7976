using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Keys;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry root sign</c>: add signatures to a root proposal, on the key holder's machine; needs no
/// store.</summary>
internal static class RootSignCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") {
            Description = "The root proposal (from 'registry root propose'); signed in place" };
        var keyFiles = new Option<string[]>("--key") {
            Description = "A private key file to sign with (repeatable)",
            Required = true };
        var passphraseEnv = Passphrases.CreateOption();
        var command = new Command(
            "sign",
            "Sign a root proposal with root keys (old and new); can run on a separate, offline machine");
        command.Arguments.Add(file);
        command.Options.Add(keyFiles);
        command.Options.Add(passphraseEnv);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var proposal = RootRotation.ReadProposal(path);
            var passphrases = Passphrases.Source(parse.GetValue(passphraseEnv), context);
            await context.InfoAsync($"signing root version {proposal.Signed.Version}, expires "
                + $"{proposal.Signed.Expires:yyyy-MM-ddTHH:mm:ssZ}:").ConfigureAwait(false);
            foreach (var line in RootProposal.Summarize(proposal.Signed))
            {
                await context.InfoAsync($"  {line}").ConfigureAwait(false);
            }

            foreach (var keyFile in parse.GetValue(keyFiles)!)
            {
                using var key = KeyFile.Read(keyFile, passphrases);
                proposal = RootRotation.Sign(proposal, key);
                await context.Out.WriteLineAsync($"signed {path} with {key.KeyId[..12]} ({keyFile})")
                    .ConfigureAwait(false);
                if (!proposal.Signed.Roles[RoleNames.Root].KeyIds.Contains(key.KeyId))
                {
                    await context.WarnAsync($"{key.KeyId[..12]} is not a root key of version "
                        + $"{proposal.Signed.Version}; its signature counts only if it is a root key of version "
                        + $"{proposal.Signed.Version - 1}").ConfigureAwait(false);
                }
            }

            RootRotation.WriteProposal(path, proposal, replace: true);
            await context.Out.WriteLineAsync($"{proposal.Signatures.Count} signature(s) now").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
