using System.CommandLine;
using Registry.Cli.Internal;

namespace Registry.Cli.Commands;

/// <summary><c>registry update [NAME...]</c>: move locked packages forward within registry.json's ranges (cargo update,
/// npm update).</summary>
internal static class UpdateCommand
{
    public static Command Create(CliContext context)
    {
        var names = new Argument<string[]>(
            "names") { Description = "Packages to update (default: every package); other locked versions stay where "
                + "the ranges allow", Arity = ArgumentArity.ZeroOrMore };
        var project = new Option<string>("--project", "-p") {
            Description = "The project folder (holding registry.json)",
            DefaultValueFactory = _ => "." };
        var options = new ClientOptions();
        var command = new Command("update", "Resolve the named packages (or all) again to the highest versions "
            + "registry.json allows, rewrite registry.lock and install");
        command.Arguments.Add(names);
        command.Options.Add(project);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var result = await ProgressRenderer.RunAsync(context, "installing", progress => InstallCommand.Installer(
                client,
                progress)
                .UpdateAsync(
                    Path.GetFullPath(parse.GetValue(project)!),
                    parse.GetValue(names) ?? [],
                    parse.GetValue(options.Offline),
                    ct)).ConfigureAwait(false);
            await InstallCommand.ReportAsync(context, client, result).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
