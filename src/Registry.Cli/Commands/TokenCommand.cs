using System.CommandLine;
using System.Globalization;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Tokens;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry token issue|list|revoke|rotate|retire|edge-config</c>: read tokens for a private
/// registry, checked at the edge (docs/protocol.md, "Read tokens"). Everything lives in the keys
/// folder's tokens.json; nothing is written into the store.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("token", "Issue and revoke read tokens of a private registry (kept in the keys "
            + "folder's tokens.json, never in the store)");
        command.Subcommands.Add(Issue(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Revoke(context));
        command.Subcommands.Add(Rotate(context));
        command.Subcommands.Add(Retire(context));
        command.Subcommands.Add(EdgeConfigCommand(context));
        return command;
    }

    private static Option<string?> KeysOption() => new("--keys", "-k")
    {
        Description
            = "Folder of the signing keys; the token secret lives beside them in tokens.json [env: REGISTRY_KEYS]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("REGISTRY_KEYS"),
    };

    private static string Keys(ParseResult parse, Option<string?> keys) =>
        parse.GetValue(keys) is { Length: > 0 } folder
            ? folder
            : throw new EnvironmentException("no keys folder given: pass --keys DIR or set REGISTRY_KEYS");

    private static Command Issue(CliContext context)
    {
        var keys = KeysOption();
        var name = new Option<string>("--name") {
            Description = "Who or what the token is for (shown by 'token list')",
            Required = true };
        var expires = new Option<string>("--expires") {
            Description = "How long it lasts: 90d, 12h, 2w, 1y (at most 5y)",
            Required = true };
        var scope = new Option<string?>(
            "--scope") { Description = "Only packages whose name starts with this prefix (default: every package; "
                + "metadata is always readable)" };
        var json = CliContext.JsonOption("the token");
        var command = new Command(
            "issue",
            "Issue a read token and print it once (stdout); only its id, name, scope and expiry are kept");
        foreach (var option in new Option[] { keys, name, expires, scope, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var lifetime = Durations.Parse(parse.GetValue(expires)!, "--expires");
            if (lifetime > TimeSpan.FromDays(5 * 365))
            {
                throw new EnvironmentException(
                    Rules.TokenLifetime,
                    $"--expires {parse.GetValue(expires)}: at most 5y; a read token should expire");
            }

            var prefix = parse.GetValue(scope) ?? "";
            if (prefix.Length > 0 && (prefix.Length > 64
                || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')))
            {
                throw new EnvironmentException(
                    $"--scope '{prefix}': a scope is the start of package names: {PackageNameRule}");
            }

            var label = parse.GetValue(name)!.Trim();
            if (label.Length is 0 or > 100 || label.Any(char.IsControl))
            {
                throw new EnvironmentException("--name: 1 to 100 printable characters");
            }

            var file = TokenFile.Open(Keys(parse, keys), create: true);
            var (record, text) = file.Issue(label, TimeProvider.System.GetUtcNow() + lifetime, prefix);
            file.Save();
            if (context.Json)
            {
                await context.WriteJsonAsync(
                    new TokenIssuedOutput(record.Id, record.Name, record.Scope, record.Expires, text),
                    CliJsonContext.Default.TokenIssuedOutput).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync(text).ConfigureAwait(false);
            }

            var covers = record.Scope.Length == 0
                ? "for every package"
                : $"for packages starting with '{record.Scope}'";
            await context.InfoAsync($"issued token {record.Id} '{record.Name}' {covers}, "
                + $"expires {Format(record.Expires)}; it is shown only now").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private const string PackageNameRule = "lowercase letters, digits, '-', '_', '.' (at most 64)";

    private static Command List(CliContext context)
    {
        var keys = KeysOption();
        var json = CliContext.JsonOption("the tokens");
        var command = new Command("list", "List issued tokens (id, name, scope, expiry, revoked); never their text");
        command.Options.Add(keys);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var file = TokenFile.Open(Keys(parse, keys), create: false);
            var now = TimeProvider.System.GetUtcNow();
            if (context.Json)
            {
                var output = new TokenListOutput(
                    file.Document.Registry,
                    [.. file.Document.Secrets.Select(s => s.Id)],
                    [.. file.Document.Tokens.Select(
                        t => new TokenOutput(t.Id, t.Name, t.Scope, t.Expires, t.Revoked, State(t, now)))]);
                await context.WriteJsonAsync(output, CliJsonContext.Default.TokenListOutput).ConfigureAwait(false);
                return CliApp.Ok;
            }

            foreach (var token in file.Document.Tokens)
            {
                var scope = token.Scope.Length == 0 ? "*" : token.Scope + "*";
                await context.Out.WriteLineAsync(
                    $"{token.Id}\t{State(token, now)}\t{Format(token.Expires)}\t{scope}\t{token.Name}")
                    .ConfigureAwait(false);
            }

            await context.InfoAsync($"registry token id {file.Document.Registry}; secrets "
                + $"{string.Join(", ", file.Document.Secrets.Select(s => s.Id))} (the last signs new tokens)")
                    .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var keys = KeysOption();
        var id = new Argument<string>("id") {
            Description = "The token's id (or a unique start of it), from 'token list'" };
        var command = new Command(
            "revoke",
            "Revoke a token: it is refused once the edge reads the new revocation list ('token edge-config')");
        command.Options.Add(keys);
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            var file = TokenFile.Open(Keys(parse, keys), create: false);
            var revoked = file.Revoke(parse.GetValue(id)!, TimeProvider.System.GetUtcNow())
                ?? throw new RegistryException(
                    Rules.TokenUnknown,
                    $"no token with id '{parse.GetValue(id)}' (see 'registry token list')");
            file.Save();
            await context.Out.WriteLineAsync($"revoked {revoked.Id} '{revoked.Name}'").ConfigureAwait(false);
            await context.InfoAsync("give the edge the new list: registry token edge-config --out FILE (nginx), or put "
                + "its 'revoked' into the KeyValueStore (docs/deploy.md)").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Rotate(CliContext context)
    {
        var keys = KeysOption();
        var command = new Command(
            "rotate",
            "Add a new secret that signs new tokens; the old ones keep verifying until 'token retire'");
        command.Options.Add(keys);
        command.SetAction(async (parse, ct) =>
        {
            var file = TokenFile.Open(Keys(parse, keys), create: false);
            var secret = file.Rotate();
            file.Save();
            await context.Out.WriteLineAsync($"new secret {secret.Id}").ConfigureAwait(false);
            await context.InfoAsync(
                "deploy the edge config, reissue tokens, then retire the old secret with 'registry token retire ID'")
                    .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Retire(CliContext context)
    {
        var keys = KeysOption();
        var id = new Argument<string>("secret-id") { Description = "The secret to stop accepting (see 'token list')" };
        var command = new Command("retire", "Stop accepting tokens signed with an old secret");
        command.Options.Add(keys);
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            var file = TokenFile.Open(Keys(parse, keys), create: false);
            file.Retire(parse.GetValue(id)!);
            file.Save();
            await context.Out.WriteLineAsync($"retired secret {parse.GetValue(id)}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command EdgeConfigCommand(CliContext context)
    {
        var keys = KeysOption();
        var output = new Option<string>(
            "--out",
            "-o") { Description = "Where to write the edge's JSON (secrets, revoked ids): mode 0640, for nginx's "
                + "$registry_token_config", Required = true };
        var command = new Command("edge-config", "Write what the edge verifier reads: the registry's token id, the "
            + "secrets that verify, the revoked ids not yet expired");
        command.Options.Add(keys);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var file = TokenFile.Open(Keys(parse, keys), create: false);
            var config = file.EdgeConfig(TimeProvider.System.GetUtcNow());
            TokenFile.WriteEdgeConfig(parse.GetValue(output)!, config);
            await context.Out.WriteLineAsync($"wrote {parse.GetValue(output)}: {config.Secrets.Count} secret(s), "
                + $"{config.Revoked.Count} revoked token(s)").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static string State(TokenRecord token, DateTimeOffset now)
        => token.Revoked is not null ? "revoked" : token.Expires <= now ? "expired" : "valid";

    private static string Format(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
