using System.CommandLine;
using System.Text.Json;
using Registry.Core;
using Registry.Core.Index;

namespace Registry.Cli.Commands;

/// <summary><c>registry info NAME</c>: versions, yanked state and dependencies, from verified metadata.</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Package name" };
        var json = new Option<bool>("--json") { Description = "Print the verified index document as JSON" };
        var options = new ClientOptions();
        var command = new Command("info", "Show a package's versions, yanked state and dependencies");
        command.Arguments.Add(name);
        command.Options.Add(json);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var update = await client.UpdateAsync(parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, update).ConfigureAwait(false);
            var index = await client.GetIndexAsync(parse.GetValue(name)!, ct).ConfigureAwait(false)
                ?? throw new RegistryException($"no package '{parse.GetValue(name)}' in the registry{Registry.Client.Resolution.NameSuggestions.DidYouMean(await client.SuggestNamesAsync(parse.GetValue(name)!, ct).ConfigureAwait(false))}");
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(IndexJson.Serialize(index))).ConfigureAwait(false);
                return CliApp.Ok;
            }

            await context.Out.WriteLineAsync(index.Name).ConfigureAwait(false);
            foreach (var version in index.Versions)
            {
                var yanked = version.Yanked ? $"  [yanked{(version.YankedReason is null ? "" : ": " + version.YankedReason)}]" : "";
                var dependencies = version.Dependencies.Count == 0 ? "" : "  depends on " + string.Join(", ", version.Dependencies.Select(d => $"{d.Key} {d.Value}"));
                await context.Out.WriteLineAsync($"  {version.Version}{yanked}{dependencies}").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }
}
