using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Client;
using Registry.Core;

namespace Registry.Cli.Commands;

/// <summary><c>registry source add|list|remove|default</c>: the registries this user reads, with their roots of
/// trust.</summary>
internal static class SourceCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command(
            "source",
            "Configure the registries the client reads (kept in $REGISTRY_HOME, default ~/.registry)");
        command.Subcommands.Add(Add(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Remove(context));
        command.Subcommands.Add(Default(context));
        command.Subcommands.Add(SourceLoginCommand.Login(context));
        command.Subcommands.Add(SourceLoginCommand.Logout(context));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "A name for the source" };
        var url = new Argument<string>("url") {
            Description = "Base URL of the registry (the folder holding metadata/ and targets/)" };
        var root = new Option<string?>("--root") {
            Description = "The registry's root metadata file (1.root.json), obtained out of band" };
        var rootHash = new Option<string?>(
            "--root-sha256") { Description = "Trust on first use: fetch metadata/1.root.json from the URL and accept "
                + "it only if its sha256 is this (with --root: the file must have this sha256)" };
        var mirrors = new Option<string[]>("--mirror") {
            Description = "A mirror URL tried when the primary fails (repeatable)",
            AllowMultipleArgumentsPerToken = false };
        var tokenEnv = new Option<string?>(
            "--token-env") { Description = "A private registry: read its read token from this environment variable "
                + "(only the name is kept)" };
        var helper = new Option<string?>(
            "--credential-helper") { Description = "A private registry: a command that prints its read token (run when "
                + "the token is first needed)" };
        var command = new Command("add", "Add (or replace) a source and its root of trust");
        command.Options.Add(tokenEnv);
        command.Options.Add(helper);
        command.Arguments.Add(name);
        command.Arguments.Add(url);
        command.Options.Add(root);
        command.Options.Add(rootHash);
        command.Options.Add(mirrors);
        var witnesses = new Option<string[]>(
            "--witness") { Description = "A witness's verifier key (NAME+KEYID+BASE64, type 04) whose cosignatures on "
                + "the registry's log checkpoint count (repeatable)", AllowMultipleArgumentsPerToken = true };
        var quorum = new Option<int>(
            "--witness-quorum") { Description = "Accept a state only if this many of the --witness keys cosigned its "
                + "log checkpoint (default: all given)" };
        command.Options.Add(witnesses);
        command.Options.Add(quorum);
        command.SetAction(async (parse, ct) =>
        {
            var witnessKeys = SourceWitnesses.Check(
                parse.GetValue(witnesses) ?? [],
                parse.GetResult(quorum) is null ? null : parse.GetValue(quorum));
            var added = await RegistryHome.Default().AddSourceAsync(new SourceRequest
            {
                Name = parse.GetValue(name)!,
                Url = parse.GetValue(url)!,
                Mirrors = parse.GetValue(mirrors) ?? [],
                RootFile = parse.GetValue(root),
                RootSha256 = parse.GetValue(rootHash),
                TokenEnv = parse.GetValue(tokenEnv),
                CredentialHelper = parse.GetValue(helper),
                Witnesses = witnessKeys.Keys,
                WitnessQuorum = witnessKeys.Quorum,
            }, null, ct).ConfigureAwait(false);
            var source = added.Source;
            await context.Out.WriteLineAsync($"added source {source.Name} "
                + $"{source.Url}{string.Concat(source.Mirrors.Select(m => $" (mirror {m})"))}; root sha256 "
                + $"{added.RootSha256}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command(
            "list",
            "List the configured sources in order; '*' marks the default (the first), read when no --source is given");
        var json = CliContext.JsonOption("the sources");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var sources = RegistryHome.Default().Sources();
            if (context.Json)
            {
                await context.WriteJsonAsync(new SourceListOutput([.. sources.Select((s, i) => new SourceOutput(
                    s.Name,
                    s.Url.ToString(),
                    [.. s.Mirrors.Select(m => m.ToString())],
                    i == 0))]), CliJsonContext.Default.SourceListOutput).ConfigureAwait(false);
                return CliApp.Ok;
            }

            for (var i = 0; i < sources.Count; i++)
            {
                var source = sources[i];
                var mirrors = string.Concat(source.Mirrors.Select(m => "\t" + m));
                await context.Out.WriteLineAsync($"{(i == 0 ? "* " : "  ")}{source.Name}\t{source.Url}{mirrors}")
                    .ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source to remove" };
        var command = new Command("remove", "Remove a source and its cached metadata");
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            if (!RegistryHome.Default().RemoveSource(parse.GetValue(name)!))
            {
                throw new EnvironmentException($"no source named '{parse.GetValue(name)}'");
            }

            await context.Out.WriteLineAsync($"removed source {parse.GetValue(name)}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Default(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The source to read when no --source is given" };
        var command = new Command(
            "default",
            "Make a source the default: it moves to the front of the list, the others keep their order");
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            var source = RegistryHome.Default().SetDefault(parse.GetValue(name)!);
            await context.Out.WriteLineAsync($"default source {source.Name} {source.Url}").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
