namespace Registry.Core.Tuf;

/// <summary>
/// Where the passphrase of encrypted key files comes from (an environment variable, a prompt):
/// <see cref="Get"/> answers for one file, or null when no passphrase is available.
/// <see cref="Origin"/> names the source in error messages. The library never reads the
/// environment or the terminal itself; the CLI builds the source.
/// </summary>
public sealed class PassphraseSource(string origin, Func<string, string?> get, string? forNewKeys = null)
{
    /// <summary>No passphrase: encrypted keys cannot be loaded, new keys are written unencrypted.</summary>
    public static PassphraseSource None { get; } = new("nowhere", _ => null);

    /// <summary>Where the passphrase comes from, for messages (e.g. "REGISTRY_KEY_PASSPHRASE").</summary>
    public string Origin { get; } = origin;

    /// <summary>The passphrase new keys are encrypted with; null: new keys are written unencrypted.</summary>
    public string? ForNewKeys { get; } = forNewKeys;

    /// <summary>The passphrase for an encrypted key file, or null when none is available.</summary>
    public string? Get(string file) => get(file);

    /// <summary>One fixed passphrase for every file (and for new keys).</summary>
    public static PassphraseSource Fixed(string passphrase, string origin) => new(origin, _ => passphrase, passphrase);
}
