using System.CommandLine;
using System.Text.Json;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Search;

namespace Registry.Cli.Commands;

/// <summary><c>registry search QUERY</c>: the same shards and ranking as the web site's search page
/// (docs/search.md).</summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        var query = new Argument<string>("query") {
            Description = "Words to find: a package name, the start of one, or words of a description" };
        var store = new StoreOptions();
        store.Store.Description
            = "Where the registry is: a folder, s3://bucket/prefix or its https:// URL [env: REGISTRY_STORE]";
        var limit = new Option<int>("--limit") {
            Description = "Most results to print (1 to 1000)",
            DefaultValueFactory = _ => 20 };
        var json = CliContext.JsonOption("the results");
        var command = new Command("search", "Find packages by name, name prefix or description words, from the "
            + "registry's static search index (needs 'registry settings --search on')");
        command.Arguments.Add(query);
        store.AddTo(command, keys: false, unsafeStore: false);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(query) ?? "";
            var max = parse.GetValue(limit);
            if (max is < 1 or > 1000)
            {
                throw new EnvironmentException($"--limit {max}: must be between 1 and 1000");
            }

            if (SearchQuery.Terms(text).Count == 0)
            {
                throw new EnvironmentException($"'{text}': a query needs at least one letter or digit");
            }

            using var reader = await ReaderFactory.OpenAsync(
                store.StoreLocation(parse),
                parse.GetValue(store.S3Endpoint),
                ct).ConfigureAwait(false);
            var answer = await SearchQuery.RunAsync(reader, text, max, ct).ConfigureAwait(false);
            if (context.Json)
            {
                await context.Out.WriteLineAsync(ToJson(answer)).ConfigureAwait(false);
                return CliApp.Ok;
            }

            if (answer.Results.Count == 0)
            {
                await context.InfoAsync($"no package matches '{text}'").ConfigureAwait(false);
            }

            foreach (var result in answer.Results)
            {
                await context.Out.WriteLineAsync(result.Description.Length == 0
                    ? $"{result.Name} {result.Version}"
                    : $"{result.Name} {result.Version}  {result.Description}").ConfigureAwait(false);
            }

            if (context.Verbose)
            {
                await context.InfoAsync($"{answer.Files} file(s), {answer.Bytes} bytes read").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }

    private static string ToJson(SearchAnswer answer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var result in answer.Results)
            {
                writer.WriteStartObject();
                writer.WriteString("name", result.Name);
                writer.WriteString("version", result.Version);
                writer.WriteString("description", result.Description);
                if (result.NuGetId is { } id)
                {
                    writer.WriteString("nuget_id", id);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("files", answer.Files);
            writer.WriteNumber("bytes", answer.Bytes);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
