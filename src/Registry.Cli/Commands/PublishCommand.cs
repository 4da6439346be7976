using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Packages;
using Registry.Core.Publishing;

namespace Registry.Cli.Commands;

/// <summary><c>registry publish</c>: validate package files, then add them in one transaction.</summary>
internal static class PublishCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var files = new Argument<string[]>(
            "files") { Description = "Package files: .tgz with registry.json at the root, or .nupkg (needs the "
                + "registry's NuGet URL: init or settings --nuget-url)", Arity = ArgumentArity.OneOrMore };
        var skipDeps = new Option<bool>("--skip-dependency-check") {
            Description = "Publish even when a dependency is not (yet) satisfiable in the registry" };
        var limits = new LimitOptions();
        var json = CliContext.JsonOption();
        var command = new Command(
            "publish",
            "Validate package files and publish them in one transaction; the same bytes again is a no-op");
        store.AddTo(command);
        command.Arguments.Add(files);
        command.Options.Add(skipDeps);
        command.Options.Add(json);
        limits.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            store.StoreLocation(parse);
            store.KeysFolder(parse);
            var packageLimits = limits.Read(parse);
            await LimitOptions.WarnAboveClientsAsync(context, packageLimits).ConfigureAwait(false);
            var paths = parse.GetValue(files)!;
            var packages = paths.Length == 1
                ? await ReadAllAsync(paths, packageLimits, context, null).ConfigureAwait(false)
                : await ProgressRenderer.RunAsync(
                    context,
                    "checking package files",
                    progress => ReadAllAsync(paths, packageLimits, context, progress)).ConfigureAwait(false);
            using var keys = store.LoadKeys(parse, context);
            using var target = await store.OpenWritableAsync(parse, context, ct).ConfigureAwait(false);
            var writer = new RegistryWriter(target, keys, TimeProvider.System, options: new WriterOptions
            {
                Views = RegistryViews.All,
                OnConflict = attempt => context.InfoAsync(
                    $"another publisher changed the registry; retrying (attempt {attempt + 1})"),
            });
            var result = await writer.PublishAsync(
                packages,
                new PublishOptions { SkipDependencyCheck = parse.GetValue(skipDeps) },
                ct).ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(new PublishOutput(
                    [.. result.Packages.Select(p => new PublishedPackageOutput(
                        p.Name,
                        p.Version,
                        Verb(p.Status),
                        p.Sha256,
                        p.Length,
                        p.Artifact))],
                    result.Stats, RegistryViews.NuGetOf(result.Views)), CliJsonContext.Default
                        .PublishOutput).ConfigureAwait(false);
            }
            else
            {
                foreach (var package in result.Packages)
                {
                    await context.Out.WriteLineAsync($"{Verb(package.Status)} {package.Name} {package.Version} "
                        + $"sha256:{package.Sha256} {package.Artifact}").ConfigureAwait(false);
                }
            }

            if (result.Stats is { } stats)
            {
                await context.InfoAsync($"wrote {stats.FilesWritten} files, {stats.BytesWritten} bytes; snapshot "
                    + $"{stats.SnapshotVersion}, timestamp {stats.TimestampVersion}, {stats.Attempts} attempt(s)")
                        .ConfigureAwait(false);
                await LogWarnings.WarnWitnessesAsync(context, stats).ConfigureAwait(false);
            }
            else
            {
                await context.InfoAsync("nothing to do: every package is already published with the same bytes")
                    .ConfigureAwait(false);
            }

            if (RegistryViews.NuGetOf(result.Views) is { } feed)
            {
                await context.InfoAsync($"NuGet feed: wrote {feed.FilesWritten} files, {feed.BytesWritten} bytes for "
                    + $"{feed.Packages} package(s)").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }

    private static string Verb(PublishStatus status) => status == PublishStatus.Published ? "published" : "unchanged";

    private static Task<IReadOnlyList<PackageFile>> ReadAllAsync(
        IReadOnlyList<string> files, PackageLimits limits, CliContext context, IProgress<ProgressStep>? progress) =>
        PackageBatch.ReadAllAsync(
            files,
            limits,
            failure => context.ErrorAsync(failure.Message, failure),
            progress is null ? null
                : ProgressRenderer.Map<PackageReadProgress>(progress, p => new ProgressStep(p.Done, p.Total, p.File)));
}
