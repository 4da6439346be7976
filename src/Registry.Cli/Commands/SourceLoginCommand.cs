using System.CommandLine;
using Registry.Client;
using Registry.Core;

namespace Registry.Cli.Commands;

/// <summary><c>registry source login|logout</c>: a source's read token in $REGISTRY_HOME/credentials.json (mode
/// 0600).</summary>
internal static class SourceLoginCommand
{
    public static Command Login(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source the token is for" };
        var mirror = MirrorOption(
            "The token is for this mirror of the source (on another origin), not for the source's own URL");
        var command = new Command("login", "Store a private source's read token, read from stdin (never from the "
            + "command line), in $REGISTRY_HOME/credentials.json, mode 0600");
        command.Arguments.Add(name);
        command.Options.Add(mirror);
        command.SetAction(async (parse, ct) =>
        {
            var home = RegistryHome.Default();
            var source = home.Source(parse.GetValue(name)!);
            var key = KeyFor(source, parse.GetValue(mirror));
            var what = key == source.Name ? source.Name : $"{source.Name}'s mirror {parse.GetValue(mirror)}";
            if (!Console.IsInputRedirected)
            {
                await context.InfoAsync($"paste the read token for {what} and press Enter:").ConfigureAwait(false);
            }

            var token = (await Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                throw new EnvironmentException(
                    "no token on stdin: pipe it in, e.g. 'registry source login NAME < token.txt'; nothing was stored");
            }

            if (token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new EnvironmentException("the token on stdin contains spaces or control characters; a read token "
                    + "is one line of printable text; nothing was stored");
            }

            Credentials.Store(home, key, token);
            await context.Out.WriteLineAsync($"stored the read token for {what} in {Credentials.PathIn(home)}")
                .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Option<string?> MirrorOption(string description) => new("--mirror") { Description = description };

    // The credentials entry for the source, or for one of its mirrors on another origin (exit 2 otherwise).
    private static string KeyFor(SourceConfig source, string? mirror)
    {
        if (mirror is null)
        {
            return source.Name;
        }

        var url = SourceConfig.ParseUrl(mirror);
        if (!source.Mirrors.Any(m => ReadCredential.SameOrigin(m, url)))
        {
            throw new EnvironmentException($"'{mirror}' is not a mirror of source '{source.Name}' (its mirrors: "
                + $"{(source.Mirrors.Count == 0 ? "none" : string.Join(", ", source.Mirrors))}); add it with 'registry "
                + "source add ... --mirror URL'; nothing was stored");
        }

        return ReadCredential.SameOrigin(source.Url, url)
            ? throw new EnvironmentException($"'{mirror}' is on the source's own origin "
                + $"({url.GetLeftPart(UriPartial.Authority)}), where the source's token is sent already; log in "
                + "without --mirror; nothing was stored")
            : Credentials.KeyFor(source.Name, url);
    }

    public static Command Logout(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source whose stored token to forget" };
        var mirror = MirrorOption("Forget the token stored for this mirror of the source instead");
        var command = new Command("logout", "Forget a source's stored read token");
        command.Arguments.Add(name);
        command.Options.Add(mirror);
        command.SetAction(async (parse, ct) =>
        {
            var home = RegistryHome.Default();
            var source = parse.GetValue(name)!;
            var key = parse.GetValue(mirror) is { } url ? KeyFor(home.Source(source), url) : source;
            var what = key == source ? source : $"{source}'s mirror {parse.GetValue(mirror)}";
            if (!Credentials.Remove(home, key))
            {
                throw new EnvironmentException($"no stored read token for '{what}'");
            }

            await context.Out.WriteLineAsync($"removed the read token for {what}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
