using System.CommandLine;
using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Cli.Internal;

/// <summary>
/// The options every maintainer command shares: <c>--store</c> (or <c>REGISTRY_STORE</c>): a
/// folder or <c>s3://bucket/prefix</c>; <c>--keys</c> (or <c>REGISTRY_KEYS</c>); the S3 endpoint;
/// and the override for stores that do not enforce preconditions.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string?> Store { get; } = new("--store", "-s")
    {
        Description = "The registry's store: a folder, or s3://bucket/prefix [env: REGISTRY_STORE]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("REGISTRY_STORE"),
    };

    public Option<string?> Keys { get; } = new("--keys", "-k")
    {
        Description = "Folder of the private signing keys (*.pem) [env: REGISTRY_KEYS]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("REGISTRY_KEYS"),
    };

    public Option<string?> PassphraseEnv { get; } = Passphrases.CreateOption();

    public Option<string?> S3Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "S3-compatible endpoint URL (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then AWS)",
    };

    public Option<bool> AllowUnsafeStore { get; } = new("--allow-unsafe-store")
    {
        Description = "Write to a store that does not enforce create-only writes and compare-and-swap (safe only with a single publisher)",
    };

    public void AddTo(Command command, bool keys = true, bool unsafeStore = true)
    {
        command.Options.Add(Store);
        if (keys)
        {
            command.Options.Add(Keys);
            command.Options.Add(PassphraseEnv);
        }

        command.Options.Add(S3Endpoint);
        if (unsafeStore)
        {
            command.Options.Add(AllowUnsafeStore);
        }
    }

    public string StoreLocation(ParseResult parse) =>
        parse.GetValue(Store) is { Length: > 0 } store
            ? store
            : throw new EnvironmentException("no store given: pass --store DIR|s3://bucket/prefix or set REGISTRY_STORE");

    public string KeysFolder(ParseResult parse) =>
        parse.GetValue(Keys) is { Length: > 0 } keys
            ? keys
            : throw new EnvironmentException("no keys folder given: pass --keys DIR or set REGISTRY_KEYS");

    /// <summary>Loads the keys folder, decrypting encrypted keys with the passphrase from the environment or a prompt.</summary>
    public KeyRing LoadKeys(ParseResult parse, CliContext context) =>
        KeyRing.Load(KeysFolder(parse), Passphrases.Source(parse.GetValue(PassphraseEnv), context));

    /// <summary>Opens the store for writing and, unless overridden, proves that it enforces preconditions.</summary>
    public async Task<IObjectStore> OpenWritableAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken, bool? publicRead = null)
    {
        var store = StoreFactory.Open(StoreLocation(parse), parse.GetValue(S3Endpoint), publicRead);
        try
        {
            var probe = await PreconditionProbe.RunAsync(store, cancellationToken).ConfigureAwait(false);
            if (probe is not null)
            {
                if (!parse.GetValue(AllowUnsafeStore))
                {
                    throw new EnvironmentException(
                        $"{store.Location}: the store does not enforce preconditions ({probe}); concurrent publishers could overwrite each other and corrupt the registry. " +
                        "Use a store that honours If-None-Match/If-Match, or pass --allow-unsafe-store if only one publisher ever writes");
                }

                await context.WarnAsync($"{store.Location}: the store does not enforce preconditions ({probe}); continuing because of --allow-unsafe-store").ConfigureAwait(false);
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}
