using System.CommandLine;
using System.Globalization;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Index;

namespace Registry.Cli.Commands;

/// <summary><c>registry info NAME</c>: description, license, links, and every version with its date, yank state and
/// dependencies, from verified metadata.</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Package name" };
        var options = new ClientOptions();
        options.Json.Description = "Print the verified index document as JSON (errors too: {\"error\": ...})";
        var command = new Command("info", "Show a package's description, license, authors, links, and each version's "
            + "publish date, yanked state and dependencies");
        command.Arguments.Add(name);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = options.Open(parse);
            var update = await client.UpdateAsync(parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, update).ConfigureAwait(false);
            var packageName = parse.GetValue(name)!;
            var index = await client.GetIndexAsync(packageName, ct).ConfigureAwait(false);
            if (index is null)
            {
                var suggestions = await client.SuggestNamesAsync(packageName, ct).ConfigureAwait(false);
                throw new RegistryException(
                    $"no package '{packageName}' in the registry{NameSuggestions.DidYouMean(suggestions)}");
            }

            if (context.Json)
            {
                await context.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(IndexJson.Serialize(index)))
                    .ConfigureAwait(false);
                return CliApp.Ok;
            }

            foreach (var line in Describe(index))
            {
                await context.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>The package's details as the newest version states them, then one line per version, oldest
    /// first.</summary>
    private static IEnumerable<string> Describe(PackageIndex index)
    {
        var newest = index.Versions.LastOrDefault(v => !v.Yanked) ?? index.Versions[^1];
        yield return newest.Description is { } description ? $"{index.Name}: {description}" : index.Name;
        foreach (var (label, value) in new[]
        {
            ("license", newest.License),
            ("authors", newest.Authors is { Count: > 0 } authors ? string.Join(", ", authors) : null),
            ("homepage", newest.Homepage),
            ("repository", newest.Repository),
        })
        {
            if (value is not null)
            {
                yield return $"  {label}: {value}";
            }
        }

        yield return "  versions:";
        foreach (var version in index.Versions)
        {
            var yanked = version.Yanked
                ? $"  yanked{(version.YankedReason is null ? "" : ": " + version.YankedReason)}"
                : "";
            var dependencies = version.Dependencies.Count == 0
                ? ""
                : "  depends on " + string.Join(", ", version.Dependencies.Select(d =>
                    version.DependencyRegistries?.GetValueOrDefault(d.Key) is { } pin
                        ? $"{d.Key} {d.Value} from {pin.Url}"
                        : $"{d.Key} {d.Value}"));
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"    {version.Version}  published {version.Published:yyyy-MM-dd HH:mm}Z{yanked}{dependencies}");
        }
    }
}
