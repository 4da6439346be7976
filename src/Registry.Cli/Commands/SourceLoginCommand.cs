using System.CommandLine;
using Registry.Client;
using Registry.Core;

namespace Registry.Cli.Commands;

/// <summary><c>registry source login|logout</c>: a source's read token in $REGISTRY_HOME/credentials.json (mode 0600).</summary>
internal static class SourceLoginCommand
{
    public static Command Login(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source the token is for" };
        var command = new Command("login", "Store a private source's read token, read from stdin (never from the command line), in $REGISTRY_HOME/credentials.json, mode 0600");
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            var home = RegistryHome.Default();
            var source = home.Source(parse.GetValue(name)!);
            if (!Console.IsInputRedirected)
            {
                await context.InfoAsync($"paste the read token for {source.Name} and press Enter:").ConfigureAwait(false);
            }

            var token = (await Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                throw new EnvironmentException("no token on stdin: pipe it in, e.g. 'registry source login NAME < token.txt'; nothing was stored");
            }

            if (token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new EnvironmentException("the token on stdin contains spaces or control characters; a read token is one line of printable text; nothing was stored");
            }

            Credentials.Store(home, source.Name, token);
            await context.Out.WriteLineAsync($"stored the read token for {source.Name} in {Credentials.PathIn(home)}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    public static Command Logout(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source whose stored token to forget" };
        var command = new Command("logout", "Forget a source's stored read token");
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            var home = RegistryHome.Default();
            var source = parse.GetValue(name)!;
            if (!Credentials.Remove(home, source))
            {
                throw new EnvironmentException($"no stored read token for '{source}'");
            }

            await context.Out.WriteLineAsync($"removed the read token for {source}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
