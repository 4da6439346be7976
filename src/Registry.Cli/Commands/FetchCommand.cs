using System.CommandLine;
using NuGet.Versioning;
using Registry.Cli.Internal;
using Registry.Client;
using Registry.Client.Resolution;
using Registry.Core;

namespace Registry.Cli.Commands;

/// <summary><c>registry fetch NAME[@RANGE] -o DIR</c>: one package file, verified.</summary>
internal static class FetchCommand
{
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string>("package") {
            Description = "NAME or NAME@RANGE (NuGet range, e.g. beta@\"[2.0.0, 3.0.0)\")" };
        var output = new Option<string>("--output", "-o") {
            Description = "Folder to write the package file into",
            DefaultValueFactory = _ => "." };
        var options = new ClientOptions();
        var command = new Command(
            "fetch",
            "Download one package (the highest unyanked version in the range), verified against the signed metadata");
        command.Arguments.Add(spec);
        command.Options.Add(output);
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(spec)!;
            var at = text.IndexOf('@', StringComparison.Ordinal);
            var name = at < 0 ? text : text[..at];
            var range = at < 0 ? VersionRange.All : VersionRange.TryParse(text[(at + 1)..], out var parsed) ? parsed
                : throw new EnvironmentException($"'{text[(at + 1)..]}' is not a NuGet version range; "
                    + $"{Core.Packages.RangeSyntax.Hint(text[(at + 1)..])}");
            using var client = options.Open(parse);
            var update = await client.UpdateAsync(parse.GetValue(options.Offline), ct).ConfigureAwait(false);
            await ClientOptions.ReportAsync(context, client, update).ConfigureAwait(false);
            using var registries = new RegistrySet(client, parse.GetValue(options.Offline));
            var resolver = new Resolver(registries.GetIndexAsync, registries.Home, suggest: client.SuggestNamesAsync);
            var resolved = await resolver.ResolveAsync(new Dictionary<string, VersionRange> { [name] = range }, ct)
                .ConfigureAwait(false);
            var package = resolved[name];
            var bytes = await client.GetArtifactAsync(package.Entry, ct).ConfigureAwait(false);
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, Path.GetFileName(package.Entry.Artifact));
            await File.WriteAllBytesAsync(file, bytes, ct).ConfigureAwait(false);
            await (context.Json
                ? context.WriteJsonAsync(
                    new FetchOutput(name, package.Entry.Version, package.Entry.Sha256, file),
                    CliJsonContext.Default.FetchOutput)
                : context.Out.WriteLineAsync(
                    $"{name} {package.Entry.Version} sha256:{package.Entry.Sha256} {file}")).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
