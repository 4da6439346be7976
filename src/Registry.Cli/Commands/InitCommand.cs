using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Core.Publishing;
using Registry.Core.Tuf;

namespace Registry.Cli.Commands;

/// <summary><c>registry init</c>: keys (when absent) and the signed metadata of an empty registry.</summary>
internal static class InitCommand
{
    public static Command Create(CliContext context)
    {
        var store = new StoreOptions();
        var bins = new Option<int>("--bins") { Description = "Number of hashed bins, a power of two (256 suits ~100k packages)", DefaultValueFactory = _ => 256 };
        var maxAge = new Option<int>("--timestamp-max-age") { Description = "Seconds edges may cache timestamp.json", DefaultValueFactory = _ => 60 };
        var timestampDays = new Option<int>("--timestamp-expiry-days") { Description = "Days a timestamp signature lasts (keep 'registry refresh' scheduled well inside it)", DefaultValueFactory = _ => 7 };
        var publicRead = new Option<bool>("--public-read") { Description = "Write every object readable anonymously (S3 x-amz-acl: public-read), for a CDN reading the bucket without credentials" };
        var command = new Command("init", "Create a new, empty registry in a store (and its keys, when the keys folder has none)");
        store.AddTo(command);
        command.Options.Add(bins);
        command.Options.Add(maxAge);
        command.Options.Add(timestampDays);
        command.Options.Add(publicRead);
        command.SetAction(async (parse, ct) =>
        {
            using var target = await store.OpenWritableAsync(parse, context, ct, parse.GetValue(publicRead)).ConfigureAwait(false);
            using var keys = KeyRing.Load(store.KeysFolder(parse));
            var options = new InitOptions
            {
                Bins = parse.GetValue(bins),
                Settings = new RegistrySettings { TimestampMaxAgeSeconds = parse.GetValue(maxAge), TimestampExpiryDays = parse.GetValue(timestampDays), PublicRead = parse.GetValue(publicRead) },
            };
            var result = await new RegistryInitializer(target, keys).InitAsync(options, ct).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"initialised {target.Location} with {result.BinCount} bins").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"root: metadata/1.root.json sha256 {result.RootSha256}").ConfigureAwait(false);
            foreach (var (role, file) in result.KeyFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync($"{role} key: {file}").ConfigureAwait(false);
            }

            await context.InfoAsync("keep the root key offline; publishing needs the targets, snapshot and timestamp keys, 'registry refresh' only the timestamp key").ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }
}
