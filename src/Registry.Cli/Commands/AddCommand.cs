using System.CommandLine;
using System.Text.Json;
using NuGet.Versioning;
using Registry.Client;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Packages;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry add NAME[@RANGE]</c> (cargo add): puts a dependency into the project's
/// registry.json. Without a range it writes the caret range of the latest version
/// (<c>[1.4.2, 2.0.0)</c>, what <c>^1.4.2</c> means); an npm/cargo range is written in NuGet's
/// syntax. The name must resolve from the source (with its dependencies): an unknown one is
/// refused with "did you mean". Every other field of registry.json is kept as it was.
/// </summary>
internal static class AddCommand
{
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string>(
            "package") { Description = "NAME, or NAME@RANGE (NuGet range such as \"[1.0.0, 2.0.0)\", or ^1.0 / ~1.2 / "
                + "1.x, written in NuGet's syntax)" };
        var project = new Option<string>("--project") {
            Description = "The project folder (its registry.json is created when missing)",
            DefaultValueFactory = _ => "." };
        var options = new ClientOptions();
        var command = new Command("add", "Add a dependency to the project's registry.json: the latest version's range "
            + "(like cargo add), or the range given");
        command.Arguments.Add(spec);
        command.Options.Add(project);
        command.Options.Add(options.Source);
        command.Options.Add(options.Offline);
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(spec)!;
            var at = text.IndexOf('@', StringComparison.Ordinal);
            var name = at < 0 ? text : text[..at];
            var written = at < 0 ? null : ParseRange(text[(at + 1)..]);
            var file = Path.Combine(parse.GetValue(project)!, "registry.json");
            var original = File.Exists(file) ? await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false) : null;

            using var client = options.Open(parse);
            var update = await client.UpdateAsync(parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, update).ConfigureAwait(false);
            var range = written is null ? VersionRange.All : VersionRange.Parse(written);
            using var registries = new RegistrySet(client, parse.GetValue(options.Offline));
            var resolved = await new Resolver(
                registries.GetIndexAsync,
                registries.Home,
                suggest: client.SuggestNamesAsync)
                .ResolveAsync(new Dictionary<string, VersionRange> { [name] = range }, ct).ConfigureAwait(false);
            var version = resolved[name].Version;
            written ??= RangeSyntax.NuGetEquivalentOrNull($"^{version.ToNormalizedString()}")
                ?? $"[{version.ToNormalizedString()}, )";

            await File.WriteAllBytesAsync(file, WithDependency(original, file, name, written), ct)
                .ConfigureAwait(false);
            await context.Out.WriteLineAsync(
                $"added {name} \"{written}\" (latest match {version.ToNormalizedString()}) to {file}")
                    .ConfigureAwait(false);
            await context.InfoAsync("run 'registry install' to resolve, lock and download it").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>A NuGet range as written, or the NuGet spelling of an npm/cargo one; otherwise a usage error with the
    /// hint.</summary>
    private static string ParseRange(string text)
    {
        if (RangeSyntax.NuGetEquivalentOrNull(text) is { } nuget && VersionRange.TryParse(nuget, out _))
        {
            return nuget;
        }

        return VersionRange.TryParse(text, out _) ? text.Trim()
            : throw new EnvironmentException($"'{text}' is not a version range; {RangeSyntax.Hint(text)}");
    }

    /// <summary>registry.json with dependencies[name] = range: every other member kept in place, a new dependency
    /// last.</summary>
    private static byte[] WithDependency(byte[]? original, string file, string name, string range)
    {
        using var document = ParseObject(original ?? "{}"u8.ToArray(), file);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            var wroteDependencies = false;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.Name != "dependencies")
                {
                    member.WriteTo(writer);
                    continue;
                }

                if (member.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new EnvironmentException($"{file}: \"dependencies\" is not an object; it maps names to "
                        + $"ranges: {{\"dependencies\": {{\"{name}\": \"{range}\"}}}}");
                }

                WriteDependencies(writer, member.Value, name, range);
                wroteDependencies = true;
            }

            if (!wroteDependencies)
            {
                WriteDependencies(writer, default, name, range);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.ToArray();
    }

    private static void WriteDependencies(Utf8JsonWriter writer, JsonElement existing, string name, string range)
    {
        writer.WriteStartObject("dependencies");
        var replaced = false;
        if (existing.ValueKind == JsonValueKind.Object)
        {
            foreach (var dependency in existing.EnumerateObject())
            {
                if (PackageName.Normalize(dependency.Name) == PackageName.Normalize(name))
                {
                    writer.WriteString(name, range);
                    replaced = true;
                }
                else
                {
                    dependency.WriteTo(writer);
                }
            }
        }

        if (!replaced)
        {
            writer.WriteString(name, range);
        }

        writer.WriteEndObject();
    }

    private static JsonDocument ParseObject(byte[] bytes, string file)
    {
        try
        {
            var document = JsonDocument.Parse(
                bytes,
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException e)
        {
            throw new EnvironmentException(
                $"{file}: is not valid JSON ({e.Message}); fix it, then run 'registry add' again",
                e);
        }

        throw new EnvironmentException(
            $"{file}: is not a JSON object; a project's registry.json is {{\"dependencies\": {{...}}}}");
    }
}
