using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry keys generate</c>: a new ECDSA P-256 key, encrypted unless asked otherwise, and its public
/// half.</summary>
internal static class KeysGenerateCommand
{
    public static Command Create(CliContext context)
    {
        var role = new Option<string>("--role") {
            Description = "The role the key is for: root, targets, snapshot or timestamp (names the file)",
            Required = true };
        var output = new Option<string>("--out", "-o") {
            Description = "Folder to write ROLE-KEYID.pem (private, mode 0600) and ROLE-KEYID.pub into",
            Required = true };
        var passphraseEnv = Passphrases.CreateOption();
        var unencrypted = new Option<bool>("--unencrypted") {
            Description = "Write the private key unencrypted, on purpose "
                + "(e.g. for a CI secret store that encrypts it)" };
        var command = new Command("generate", "Generate an ECDSA P-256 key: PKCS#8 encrypted with a passphrase "
            + "(AES-256-CBC, PBKDF2-SHA256) unless --unencrypted; prints its key id and public key");
        command.Options.Add(role);
        command.Options.Add(output);
        command.Options.Add(passphraseEnv);
        command.Options.Add(unencrypted);
        command.SetAction(async (parse, ct) =>
        {
            var roleName = parse.GetValue(role)!;
            if (!RoleNames.TopLevel.Contains(roleName))
            {
                throw new EnvironmentException($"--role {roleName}: not a role; use root, targets, snapshot or "
                    + "timestamp (the hashed bins are signed by the targets keys)");
            }

            var passphrase = PassphraseFor(parse.GetValue(passphraseEnv), parse.GetValue(unencrypted), context);
            using var key = SigningKey.Generate();
            var path = Path.Combine(parse.GetValue(output)!, $"{roleName}-{key.KeyId[..8]}.pem");
            KeyFile.Write(path, key, passphrase);
            await context.Out.WriteLineAsync($"key id: {key.KeyId}").ConfigureAwait(false);
            await context.Out.WriteLineAsync(
                $"private key: {path} ({(passphrase is null ? "UNENCRYPTED" : "encrypted")}, mode 0600)")
                    .ConfigureAwait(false);
            await context.Out.WriteLineAsync($"public key: {KeyFile.PublicPath(path)}").ConfigureAwait(false);
            await context.Out.WriteAsync(key.Public.KeyVal.Public).ConfigureAwait(false);
            if (passphrase is null)
            {
                await context.WarnAsync(
                    $"{path} is stored unencrypted (--unencrypted); anyone who can read it can sign as {roleName}")
                        .ConfigureAwait(false);
            }

            await context.InfoAsync(
                $"add it to the root with: registry root propose --add-key {roleName}={KeyFile.PublicPath(path)} ...")
                    .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static string? PassphraseFor(string? variable, bool unencrypted, CliContext context)
    {
        if (unencrypted)
        {
            return variable is null
                ? null
                : throw new EnvironmentException("--unencrypted and --passphrase-env contradict each other; give one");
        }

        var (passphrase, origin) = Passphrases.FromEnvironment(variable);
        if (passphrase is not null)
        {
            return Passphrases.CheckStrength(passphrase, origin);
        }

        if (Console.IsInputRedirected)
        {
            throw new EnvironmentException(
                $"no passphrase to encrypt the key with: set {Passphrases.DefaultVariable}, pass --passphrase-env VAR, "
                + "run on a terminal to be asked, or pass --unencrypted to write it unencrypted on purpose");
        }

        var first = Passphrases.CheckStrength(Passphrases.Prompt(context, "new passphrase: "), "the prompt");
        return Passphrases.Prompt(context, "the same passphrase again: ") == first
            ? first
            : throw new EnvironmentException("the two passphrases differ; nothing was written");
    }
}
