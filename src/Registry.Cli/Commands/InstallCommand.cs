using System.CommandLine;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary><c>registry install</c>: a project's dependencies, resolved, locked, verified and extracted.</summary>
internal static class InstallCommand
{
    public static Command Create(CliContext context)
    {
        var project = new Option<string>("--project", "-p") { Description = "The project folder (holding registry.json)", DefaultValueFactory = _ => "." };
        var locked = new Option<bool>("--locked") { Description = "Fail unless registry.lock already satisfies registry.json (CI)" };
        var options = new ClientOptions();
        var command = new Command("install", "Install the dependencies of registry.json into packages/, writing registry.lock");
        command.Options.Add(project);
        command.Options.Add(locked);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var result = await new ProjectInstaller(client).InstallAsync(Path.GetFullPath(parse.GetValue(project)!), parse.GetValue(locked), parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, result.Update).ConfigureAwait(false);
            for (var i = 0; i < result.Names.Count; i++)
            {
                await context.Out.WriteLineAsync($"installed {result.Names[i]} {result.Installed[i].Version}").ConfigureAwait(false);
            }

            foreach (var name in result.Removed)
            {
                await context.Out.WriteLineAsync($"removed {name}").ConfigureAwait(false);
            }

            await context.InfoAsync($"{result.Names.Count} package(s) {(result.Resolved ? "resolved and locked" : "from registry.lock")}; {client.Requests} request(s)").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
