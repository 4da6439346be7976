using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core;
using Registry.Core.Keys;
using Registry.Core.Publishing;
using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry init</c>: keys (when absent) and the signed metadata of an empty registry.</summary>
internal static class InitCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var binCount = new BinCountOptions("Number of hashed bins, a power of two (default 256, or the best for "
            + "--expected-packages). A publish rewrites one bin (packages/bins x ~134 B) and the snapshot (bins x ~30 "
            + "B): smallest at bins ~ sqrt(packages x 134 / 30), so 256 suits ~7k-30k packages, 512 ~30k-120k, 1024 "
            + "~120k-470k, 2048 ~470k-1.9M; 'registry rebin' changes it later");
        var maxAge = new Option<int>("--timestamp-max-age") {
            Description = "Seconds edges may cache timestamp.json",
            DefaultValueFactory = _ => 60 };
        var expiry = new Option<string[]>("--expiry")
        {
            Description = "How long signatures last, per role: ROLE=DURATION[,...] with ROLE root, targets, bins, "
                + "snapshot or timestamp, whole days from 1d to 3650d (defaults: root, targets, bins, snapshot 365d; "
                + "timestamp 7d)",
        };
        var publicRead = new Option<bool>(
            "--public-read") { Description = "Write every object readable anonymously (S3 x-amz-acl: public-read), for "
                + "a CDN reading the bucket without credentials" };
        var nugetUrl = new Option<string?>(
            "--nuget-url") { Description = "The public base URL the registry is served at (e.g. "
                + "https://cdn.example/registry/); enables the NuGet feed at URL nuget/v3/index.json for .nupkg "
                + "packages" };
        var command = new Command("init", "Create a new, empty registry in a store (and its keys, when the keys folder "
            + "has none; encrypted when a passphrase is given)");
        store.AddTo(command);
        binCount.AddTo(command);
        command.Options.Add(maxAge);
        command.Options.Add(expiry);
        command.Options.Add(publicRead);
        command.Options.Add(nugetUrl);
        var log = new Option<string?>(
            "--log") { Description = "Keep a transparency log with this origin (e.g. registry.example.com/log): makes "
                + "KEYS/log.key, names it in the root, logs every commit under log/ (docs/protocol.md)" };
        command.Options.Add(log);
        command.SetAction(async (parse, ct) =>
        {
            var bins = binCount.Resolve(parse, 256);
            var settings = new RegistrySettings {
                TimestampMaxAgeSeconds = parse.GetValue(maxAge),
                PublicRead = parse.GetValue(publicRead),
                NuGetUrl = parse.GetValue(nugetUrl) is { } url ? PublicBaseUrl.Normalize(url) : null }
                .WithExpiry(
                    Durations.ParseRoleList(parse.GetValue(expiry) ?? [], RegistrySettings.ExpiryRoles, "--expiry"));
            var (passphrase, origin) = Passphrases.FromEnvironment(parse.GetValue(store.PassphraseEnv));
            var passphrases = passphrase is null
                ? Passphrases.Source(null, context)
                : PassphraseSource.Fixed(Passphrases.CheckStrength(passphrase, origin), origin);
            using var keys = KeyRing.Load(store.KeysFolder(parse), passphrases);
            using var target = await store.OpenWritableAsync(parse, context, ct, parse.GetValue(publicRead))
                .ConfigureAwait(false);
            var result = await new RegistryInitializer(target, keys, TimeProvider.System).InitAsync(
                new InitOptions { Bins = bins, Settings = settings, LogOrigin = parse.GetValue(log) },
                ct).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"initialised {target.Location} with {result.BinCount} bins")
                .ConfigureAwait(false);
            await context.Out.WriteLineAsync($"root: metadata/1.root.json sha256 {result.RootSha256}")
                .ConfigureAwait(false);
            foreach (var (role, file) in result.KeyFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync($"{role} key: {file}").ConfigureAwait(false);
            }

            if (parse.GetValue(log) is not null)
            {
                await context.Out.WriteLineAsync(
                    $"log key: {Path.Combine(keys.Folder, LogKey.FileName)} (unencrypted, mode 0600)")
                        .ConfigureAwait(false);
            }

            if (passphrases.ForNewKeys is null
                && result.KeyFiles.Values.Any(f => !KeyFile.IsEncrypted(File.ReadAllText(f))))
            {
                await context.WarnAsync($"the keys are stored UNENCRYPTED; set {Passphrases.DefaultVariable} (or "
                    + "--passphrase-env VAR) before 'registry init' to encrypt new keys, or create them with 'registry "
                    + "keys generate'").ConfigureAwait(false);
            }

            if (parse.GetValue(binCount.ExpectedPackages) is { } packages)
            {
                await context.InfoAsync($"{result.BinCount} bins suit {packages} packages: a publish then rewrites "
                    + $"about {(HashBins.PublishBytes(packages, result.BinCount) / 1024):0.#} KiB of bin and snapshot, "
                    + "besides its index document and the timestamp").ConfigureAwait(false);
            }

            await context.InfoAsync("keep the root key offline; publishing needs the targets, snapshot and timestamp "
                + "keys, 'registry refresh' only the timestamp key").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
