using System.CommandLine;
using System.Security.Cryptography;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Packages;
using Registry.Core.Storage;

namespace Registry.Cli.Commands;

/// <summary><c>registry pack [DIR] [--output FILE]</c>: a reproducible package file from a folder with
/// registry.json.</summary>
internal static class PackCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("folder") {
            Description = "The folder to pack, with registry.json at its root (default: the current folder)",
            DefaultValueFactory = _ => "." };
        var output = new Option<string?>("--output", "-o") {
            Description = "The package file to write (default: NAME-VERSION.tgz in the current folder)" };
        var limits = new LimitOptions();
        var command = new Command("pack", "Make a reproducible .tgz of a folder with registry.json (sorted entries; "
            + "fixed times, owners, modes), checked by the rules publish applies");
        command.Arguments.Add(folder);
        command.Options.Add(output);
        limits.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(output);
            var packed = TgzPacker.Pack(parse.GetValue(folder)!, limits.Read(parse), target);
            var file = target ?? packed.FileName;
            var full = Path.GetFullPath(file);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // Written whole under a temporary name, then renamed: an interrupted pack leaves no half file.
            try
            {
                AtomicFile.Write(full, packed.Content);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new EnvironmentException($"{file}: cannot write the package ({e.Message.TrimEnd('.')})", e);
            }

            var sha256 = Convert.ToHexStringLower(SHA256.HashData(packed.Content));
            await context.Out.WriteLineAsync($"packed {packed.Manifest.Name} "
                + $"{RegistryLayout.VersionText(packed.Manifest.Version)} sha256:{sha256} {file}")
                    .ConfigureAwait(false);
            await context.InfoAsync($"{packed.Files.Count} file(s), {packed.Content.Length} bytes")
                .ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
