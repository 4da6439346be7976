
namespace Registry.Core.Tuf;

/// <summary>
/// Private key files: PKCS#8 PEM, encrypted (<c>ENCRYPTED PRIVATE KEY</c>: PBES2 with AES-256-CBC
/// and PBKDF2-HMAC-SHA256) unless created unencrypted on purpose, mode 0600, each with a
/// <c>.pub</c> file beside it holding the public key, so the key id of an encrypted key is
/// known without its passphrase.
/// </summary>
public static class KeyFile
{
    /// <summary>PBKDF2-HMAC-SHA256 iterations (OWASP's 2023 figure for SHA-256): about 0.3 s per key load
    /// here.</summary>
    public const int Iterations = 600_000;

    public const string PublicExtension = ".pub";

    public static bool IsEncrypted(string pem)
        => pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);

    public static bool IsPublicOnly(string pem) =>
        pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal)
            && !pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);

    /// <summary>The public key file beside a private key file: <c>NAME.pub</c>.</summary>
    public static string PublicPath(string privatePath) => Path.ChangeExtension(privatePath, PublicExtension);

    /// <summary>Loads a private key file, decrypting it with the passphrase the source gives for it.</summary>
    public static SigningKey Read(string path, PassphraseSource? passphrases)
    {
        var pem = File.ReadAllText(path);
        if (!IsEncrypted(pem))
        {
            return SigningKey.FromPem(pem, path);
        }

        passphrases ??= PassphraseSource.None;
        var passphrase = passphrases.Get(path)
            ?? throw new EnvironmentException($"{path}: the key is encrypted and no passphrase was given; set "
                + "REGISTRY_KEY_PASSPHRASE, pass --passphrase-env VAR, or run on a terminal to be asked");
        return SigningKey.FromEncryptedPem(pem, passphrase, path, passphrases.Origin);
    }

    /// <summary>
    /// Writes a new key file (create-new, mode 0600; refuses to replace a file) and its <c>.pub</c>;
    /// encrypted when <paramref name="passphrase"/> is given.
    /// </summary>
    public static void Write(string path, SigningKey key, string? passphrase)
    {
        var publicPath = PublicPath(path);
        if (File.Exists(path) || File.Exists(publicPath))
        {
            throw new EnvironmentException(
                $"{(File.Exists(path) ? path : publicPath)}: exists already; a key file is never overwritten");
        }

        var pem = passphrase is null ? key.ExportPrivatePem() : key.ExportEncryptedPrivatePem(passphrase, Iterations);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        WriteNew(path, pem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteNew(
            publicPath,
            key.Public.KeyVal.Public,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>
    /// The public key in a file: a <c>PUBLIC KEY</c> PEM, a private key file (an encrypted one
    /// through its <c>.pub</c>, or decrypted when no <c>.pub</c> is beside it).
    /// </summary>
    public static TufKey ReadPublic(string path, PassphraseSource? passphrases)
    {
        if (!File.Exists(path))
        {
            throw new EnvironmentException($"{path}: no such key file");
        }

        var pem = File.ReadAllText(path);
        if (IsPublicOnly(pem))
        {
            return SigningKey.PublicKeyFromPem(pem, path);
        }

        if (IsEncrypted(pem) && File.Exists(PublicPath(path)))
        {
            return SigningKey.PublicKeyFromPem(File.ReadAllText(PublicPath(path)), PublicPath(path));
        }

        using var key = Read(path, passphrases);
        return key.Public;
    }

    /// <summary>
    /// The key id of a private key file without asking for a passphrase: from the file itself
    /// when unencrypted, from its <c>.pub</c> when encrypted; null when neither tells.
    /// </summary>
    public static string? KeyIdOrNull(string path)
    {
        try
        {
            var pem = File.ReadAllText(path);
            if (!IsEncrypted(pem))
            {
                using var key = SigningKey.FromPem(pem, path);
                return key.KeyId;
            }

            var publicPath = PublicPath(path);
            return File.Exists(publicPath)
                ? SigningKey.KeyIdOf(SigningKey.PublicKeyFromPem(File.ReadAllText(publicPath), publicPath))
                : null;
        }
        catch (EnvironmentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The private key files of a folder (<c>*.pem</c>, public key PEMs skipped) by key id, read
    /// without passphrases (see <see cref="KeyIdOrNull"/>); files whose key id cannot be told
    /// are listed under the empty string.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ScanFolder(string folder)
    {
        var byId = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            throw new EnvironmentException($"{folder}: no such keys folder");
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.pem").Order(StringComparer.Ordinal))
        {
            if (IsPublicOnly(File.ReadAllText(file)))
            {
                continue;
            }

            var id = KeyIdOrNull(file) ?? "";
            if (!byId.TryGetValue(id, out var files))
            {
                byId[id] = files = [];
            }

            files.Add(file);
        }

        return byId.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    private static void WriteNew(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
