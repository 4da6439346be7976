using System.CommandLine;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary><c>registry update [NAME...]</c>: move locked packages forward within registry.json's ranges (cargo update, npm update).</summary>
internal static class UpdateCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>("names") { Description = "Packages to update (default: every package); other locked versions stay where the ranges allow", Arity = ArgumentArity.ZeroOrMore };
        var project = new Option<string>("--project", "-p") { Description = "The project folder (holding registry.json)", DefaultValueFactory = _ => "." };
        var options = new ClientOptions();
        var command = new Command("update", "Resolve the named packages (or all) again to the highest versions registry.json allows, rewrite registry.lock and install");
        command.Arguments.Add(names);
        command.Options.Add(project);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var result = await new ProjectInstaller(client).UpdateAsync(Path.GetFullPath(parse.GetValue(project)!), parse.GetValue(names) ?? [], parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, result.Update).ConfigureAwait(false);
            foreach (var (name, from, to) in result.Changed)
            {
                var line = (from, to) switch
                {
                    (null, _) => $"added {name} {to}",
                    (_, null) => $"removed {name} {from}",
                    _ => $"updated {name} {from} -> {to}",
                };
                await context.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            await context.InfoAsync($"{result.Changed.Count} package(s) changed, {result.Names.Count} locked; {client.Requests} request(s)").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
