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
        Description = "Write to a store that does not enforce create-only writes and compare-and-swap (safe only with "
            + "a single publisher)",
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
            : throw new EnvironmentException(
                "no store given: pass --store DIR|s3://bucket/prefix or set REGISTRY_STORE");

    public string KeysFolder(ParseResult parse) =>
        parse.GetValue(Keys) is { Length: > 0 } keys
            ? keys
            : throw new EnvironmentException("no keys folder given: pass --keys DIR or set REGISTRY_KEYS");

    /// <summary>Loads the keys folder, decrypting encrypted keys with the passphrase from the environment or a
    /// prompt.</summary>
    public KeyRing LoadKeys(ParseResult parse, CliContext context)
    {
        var folder = KeysFolder(parse);
        if (!Directory.Exists(folder))
        {
            throw new EnvironmentException($"keys folder '{folder}' does not exist: pass --keys with the folder that "
                + "holds the signing keys (*.pem)");
        }

        return KeyRing.Load(folder, Passphrases.Source(parse.GetValue(PassphraseEnv), context));
    }

    /// <summary>
    /// Opens the store for writing. Nothing is written here: the store's preconditions are
    /// proven (once per configuration, see <see cref="ProvenStore"/>) just before the first write.
    /// </summary>
    public async Task<IObjectStore> OpenWritableAsync(
        ParseResult parse,
        CliContext context,
        CancellationToken cancellationToken,
        bool? publicRead = null)
    {
        return await OpenWritableAsync(
            StoreLocation(parse),
            parse.GetValue(S3Endpoint),
            publicRead,
            parse.GetValue(AllowUnsafeStore),
            context,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a folder or S3 location for writing behind <see cref="ProvenStore"/>: the one way every command that
    /// writes (a registry's store, a mirror's destination) opens it.
    /// </summary>
    public static async Task<ProvenStore> OpenWritableAsync(
        string location,
        string? endpoint,
        bool? publicRead,
        bool allowUnsafe,
        CliContext context,
        CancellationToken cancellationToken)
    {
        var store = await StoreFactory.OpenAsync(location, endpoint, publicRead, cancellationToken)
            .ConfigureAwait(false);
        return new ProvenStore(
            store,
            Registry.Store.S3.StoreLocation.Fingerprint(location, endpoint),
            problem => OnUnsafeAsync(store.Location, problem, allowUnsafe, context));
    }

    /// <summary>Refuses a store that does not enforce preconditions, or warns when the user accepted the
    /// risk.</summary>
    public static async Task OnUnsafeAsync(string location, string problem, bool allowUnsafe, CliContext context)
    {
        if (!allowUnsafe)
        {
            throw new EnvironmentException(
                $"{location}: the store does not enforce preconditions ({problem}); concurrent publishers could "
                + "overwrite each other and corrupt the registry. " +
                "Use a store that honours If-None-Match/If-Match, or pass --allow-unsafe-store if only one publisher "
                + "ever writes");
        }

        await context.WarnAsync($"{location}: the store does not enforce preconditions ({problem}); continuing because "
            + "of --allow-unsafe-store").ConfigureAwait(false);
    }
}
