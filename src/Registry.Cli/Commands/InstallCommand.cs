using System.CommandLine;
using NuGet.Versioning;
using Registry.Cli.Internal;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary><c>registry install</c>: a project's dependencies, resolved, locked, verified and extracted.</summary>
internal static class InstallCommand
{
    public static Command Create(CliContext context)
    {
        var project = new Option<string>("--project", "-p") {
            Description = "The project folder (holding registry.json)",
            DefaultValueFactory = _ => "." };
        var locked = new Option<bool>("--locked") {
            Description = "Fail unless registry.lock already satisfies registry.json (CI)" };
        var options = new ClientOptions();
        var command = new Command(
            "install",
            "Install the dependencies of registry.json into packages/, writing registry.lock");
        command.Options.Add(project);
        command.Options.Add(locked);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var result = await ProgressRenderer.RunAsync(context, "installing", progress => Installer(client, progress)
                .InstallAsync(
                    Path.GetFullPath(parse.GetValue(project)!),
                    parse.GetValue(locked),
                    parse.GetValue(options.Offline),
                    ct)).ConfigureAwait(false);
            await ReportAsync(context, client, result).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    public static ProjectInstaller Installer(RegistryClient client, IProgress<ProgressStep> progress) => new(client)
    {
        Progress = ProgressRenderer.Map<InstallProgress>(
            progress,
            p => new ProgressStep(p.Done, p.Total, $"{p.Name} {p.Version}")),
    };

    /// <summary>
    /// What changed in the lock (<c>added NAME V</c>, <c>updated NAME A -> B</c>, <c>downgraded NAME B -> A</c>
    /// when the new version is lower (a yank, a narrowed range), <c>removed NAME V</c>)
    /// and the folders removed from packages/, or <c>up to date</c>; <c>--json</c> adds every locked package.
    /// </summary>
    public static async Task ReportAsync(CliContext context, RegistryClient client, InstallResult result)
    {
        await ClientOptions.ReportAsync(context, client, result.Update).ConfigureAwait(false);
        var changes = result.Changed.Select(c => new ChangeOutput(c.Name, (c.From, c.To) switch
        {
            (null, _) => "added",
            (_, null) => "removed",
            var (from, to) when NuGetVersion.Parse(to) < NuGetVersion.Parse(from) => "downgraded",
            _ => "updated",
        }, c.From, c.To)).ToList();
        var folders = result.Removed.Where(name => !changes.Any(c => c.Name == name && c.To is null)).ToList();
        if (context.Json)
        {
            var packages = result.Names
                .Select((name, i) => new InstalledPackageOutput(
                    name, result.Installed[i].Version, result.Installed[i].Sha256))
                .ToList();
            await context.WriteJsonAsync(
                new InstallOutput(result.Resolved, packages, changes, result.Removed, client.Requests),
                CliJsonContext.Default.InstallOutput).ConfigureAwait(false);
        }
        else
        {
            foreach (var change in changes)
            {
                await context.Out.WriteLineAsync(change.Change switch
                {
                    "added" => $"added {change.Name} {change.To}",
                    "removed" => $"removed {change.Name} {change.From}",
                    var verb => $"{verb} {change.Name} {change.From} -> {change.To}",
                }).ConfigureAwait(false);
            }

            foreach (var name in folders)
            {
                await context.Out.WriteLineAsync($"removed {name}").ConfigureAwait(false);
            }

            if (changes.Count == 0 && folders.Count == 0)
            {
                await context.Out.WriteLineAsync($"up to date: {result.Names.Count} package(s)").ConfigureAwait(false);
            }
        }

        await context.InfoAsync($"{changes.Count} change(s), {result.Names.Count} package(s) "
            + $"{(result.Resolved ? "resolved and locked" : "from registry.lock")}; {client.Requests} request(s)")
                .ConfigureAwait(false);
    }
}
