using System.CommandLine;
using System.Globalization;
using Registry.Cli.Internal;
using Registry.Client;
using Registry.Core;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Mirror;

namespace Registry.Cli.Commands;

/// <summary><c>registry mirror</c>: copy a registry over plain HTTP into a folder or S3, verifying
/// everything.</summary>
internal static class MirrorCommand
{
    public static Command Create(CliContext context)
    {
        var url = new Argument<string>("url") {
            Description = "Base URL of the source registry (its metadata/ and targets/ are below it)" };
        var to = new Option<string>("--to") {
            Description = "Destination: a folder or s3://bucket/prefix",
            Required = true };
        var root = new Option<string>(
            "--root") { Description = "The trusted root metadata file (e.g. the source's metadata/1.root.json, "
                + "obtained out of band)", Required = true };
        var parallel = new Option<int>("--parallel") {
            Description = "Concurrent downloads",
            DefaultValueFactory = _ => 8 }.InRange(1, 256);
        var prune = new Option<bool>("--prune") {
            Description = "After the sync, delete files no state current within the grace period references" };
        var graceDays = new Option<double>("--grace-days") {
            Description = "Grace period for --prune",
            DefaultValueFactory = _ => 7 };
        var maxAge = new Option<int>("--timestamp-max-age") {
            Description = "Cache-Control max-age of the mirror's timestamp.json",
            DefaultValueFactory = _ => 60 };
        var s3Endpoint = new Option<string?>("--s3-endpoint") {
            Description = "S3-compatible endpoint URL for an s3:// destination" };
        var publicRead = new Option<bool>(
            "--public-read") { Description = "Write objects readable anonymously (S3 x-amz-acl: public-read), for a "
                + "CDN in front of the mirror's bucket" };
        var unsafeStore = new Option<bool>("--allow-unsafe-store") {
            Description = "Write to a destination that does not enforce preconditions" };
        var nugetUrl = new Option<string?>(
            "--nuget-url") { Description = "The mirror's own public base URL: write a NuGet feed (URL "
                + "nuget/v3/index.json) for the .nupkg packages, derived from the verified copy" };
        var views = new Option<string[]>("--view")
        {
            Description = "Also derive this view for the mirror from the verified copy "
                + $"({string.Join(", ", RegistryViews.All.Select(v => v.Name))}); "
                + "repeatable; --nuget-url implies nuget",
            AllowMultipleArgumentsPerToken = false,
        };
        var tokenEnv = new Option<string?>(
            "--token-env") { Description = "A private source: the environment variable holding its read token (sent to "
                + "the source's origin only)" };
        var json = CliContext.JsonOption();
        var command = new Command("mirror", "Bring a copy of a registry up to the source's current state over plain "
            + "HTTP; every file is verified; run it from cron");
        command.Arguments.Add(url);
        foreach (var option in new Option[] {
            to,
            root,
            parallel,
            prune,
            graceDays,
            maxAge,
            s3Endpoint,
            publicRead,
            unsafeStore,
            nugetUrl,
            views,
            tokenEnv,
            json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            // An unknown view is refused before anything is read or written.
            var derived = RegistryViews.Named([.. parse.GetValue(views) ?? [], .. parse.GetValue(nugetUrl) is null
                ? Array.Empty<string>()
                : [Core.NuGet.NuGetView.ViewName]]);
            var anchor = await RootOfTrust.LoadAnchorAsync(parse.GetValue(root)!, ct).ConfigureAwait(false);
            var baseUrl = parse.GetValue(url)!;
            if (!Uri.TryCreate(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute, out var baseUri)
                || baseUri.Scheme is not ("http" or "https"))
            {
                throw new EnvironmentException($"{baseUrl}: the source must be an http(s) URL");
            }

            var credential = parse.GetValue(tokenEnv) is { } variable ? TokenFrom(variable, baseUri) : null;
            using var source = new HttpObjectReader(baseUri) { Credential = credential };
            using var destination = await StoreOptions.OpenWritableAsync(
                parse.GetValue(to)!,
                parse.GetValue(s3Endpoint),
                parse.GetValue(publicRead),
                parse.GetValue(unsafeStore),
                context,
                ct).ConfigureAwait(false);

            var mirror = new RegistryMirror(source, destination, anchor, TimeProvider.System, options: new MirrorOptions
            {
                Parallel = parse.GetValue(parallel),
                CachePolicy = new CachePolicy(parse.GetValue(maxAge)),
                NuGetUrl = parse.GetValue(nugetUrl) is { } feedUrl ? Core.PublicBaseUrl.Normalize(feedUrl) : null,
                Views = derived,
            });
            var result = await ProgressRenderer.RunAsync(context, "mirroring bins", progress => mirror.SyncAsync(
                ProgressRenderer.Map<MirrorProgress>(progress, p => new ProgressStep(p.Bins, p.BinsTotal, string.Create(
                    CultureInfo.InvariantCulture,
                    $"({p.Files} files, {p.Bytes / 1024.0 / 1024.0:0.0} MiB)"))), ct)).ConfigureAwait(false);
            var collected = parse.GetValue(prune)
                ? await new RegistryCollector(destination, TimeProvider.System).CollectAsync(
                    TimeSpan.FromDays(parse.GetValue(graceDays)),
                    dryRun: false,
                    ct).ConfigureAwait(false)
                : null;
            if (context.Json)
            {
                await context.WriteJsonAsync(new MirrorOutput(
                    result.Unchanged,
                    result.TimestampVersion,
                    result.FilesFetched,
                    result.BytesFetched,
                    source.RequestCount,
                    Math.Round(result.Elapsed.TotalSeconds, 3),
                    collected is null ? null : new PruneOutput(
                        collected.DeletedFiles,
                        collected.DeletedBytes),
                    RegistryViews.NuGetOf(result.Views)), CliJsonContext.Default.MirrorOutput).ConfigureAwait(false);
                return CliApp.Ok;
            }

            var summary = result.Unchanged
                ? string.Create(CultureInfo.InvariantCulture, $"up to date: timestamp {result.TimestampVersion}; "
                    + $"{source.RequestCount} request(s), {result.Elapsed.TotalSeconds:0.00} s")
                : string.Create(CultureInfo.InvariantCulture, $"mirrored timestamp {result.TimestampVersion}: "
                    + $"{result.FilesFetched} files, {result.BytesFetched} bytes, {source.RequestCount} request(s), "
                    + $"{result.Elapsed.TotalSeconds:0.00} s");
            await context.Out.WriteLineAsync(summary).ConfigureAwait(false);
            if (RegistryViews.NuGetOf(result.Views) is { } feed)
            {
                await context.Out.WriteLineAsync($"NuGet feed: {feed.Packages} package(s), wrote {feed.FilesWritten} "
                    + $"files, {feed.BytesWritten} bytes").ConfigureAwait(false);
            }

            if (collected is not null)
            {
                await context.Out.WriteLineAsync(
                    $"pruned {collected.DeletedFiles} files ({collected.DeletedBytes} bytes)").ConfigureAwait(false);
            }

            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>The source's read token from <c>--token-env VAR</c>: sent only to the source URL's origin.</summary>
    private static ReadCredential TokenFrom(string variable, Uri baseUri)
    {
        var token = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value.Trim()
            : throw new EnvironmentException($"--token-env {variable}: the variable is not set or empty");
        return new ReadCredential(
            "the mirrored registry",
            baseUri,
            () => token,
            $"the environment variable {variable}") { LoginHint = $"set {variable} to a valid read token" };
    }
}
