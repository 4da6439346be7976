
namespace Registry.Core.Tuf;

/// <summary>
/// The private keys a maintainer holds: every private key <c>*.pem</c> in the keys folder
/// (encrypted ones decrypted with the passphrase the <see cref="PassphraseSource"/> gives; public
/// key PEMs are skipped). A role is signed with each held key that the root lists for it, which
/// is at least the role's threshold; which file holds which key does not matter.
/// <c>registry init</c> creates <c>root.pem</c>, <c>targets.pem</c>, <c>snapshot.pem</c> and
/// <c>timestamp.pem</c> when the folder has none.
/// </summary>
public sealed class KeyRing : IDisposable
{
    private readonly Dictionary<string, SigningKey> _byId;
    private readonly Dictionary<string, string> _fileOf;
    private readonly PassphraseSource _passphrases;

    private KeyRing(
        string folder,
        Dictionary<string, SigningKey> byId,
        Dictionary<string, string> fileOf,
        PassphraseSource passphrases)
    {
        Folder = folder;
        _byId = byId;
        _fileOf = fileOf;
        _passphrases = passphrases;
    }

    public string Folder { get; }

    /// <summary>Key id to the file it came from.</summary>
    public IReadOnlyDictionary<string, string> FileOf => _fileOf;

    public IReadOnlyCollection<SigningKey> Keys => _byId.Values;

    public static KeyRing Load(string folder, PassphraseSource? passphrases = null)
    {
        passphrases ??= PassphraseSource.None;
        var byId = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.EnumerateFiles(folder, "*.pem").Order(StringComparer.Ordinal))
                {
                    if (KeyFile.IsPublicOnly(File.ReadAllText(file)))
                    {
                        continue;
                    }

                    var key = KeyFile.Read(file, passphrases);
                    if (byId.TryAdd(key.KeyId, key))
                    {
                        fileOf[key.KeyId] = file;
                    }
                    else
                    {
                        key.Dispose();
                    }
                }
            }
        }
        catch
        {
            foreach (var key in byId.Values)
            {
                key.Dispose();
            }

            throw;
        }

        return new KeyRing(folder, byId, fileOf, passphrases);
    }

    /// <summary>
    /// The key for a top-level role at init: <c>ROLE.pem</c>, else the one <c>ROLE-*.pem</c> that
    /// <c>registry keys generate</c> wrote; generated as <c>ROLE.pem</c> when there is neither
    /// (mode 0600, encrypted with <see cref="PassphraseSource.ForNewKeys"/> when there is one,
    /// with a <c>ROLE.pub</c> beside it).
    /// </summary>
    public SigningKey GetOrCreateRoleKey(string role)
    {
        var path = Path.Combine(Folder, role + ".pem");
        if (!File.Exists(path) && Directory.Exists(Folder))
        {
            var generated = Directory.GetFiles(Folder, role + "-*.pem")
                .Where(f => !KeyFile.IsPublicOnly(File.ReadAllText(f)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (generated.Count > 1)
            {
                throw new EnvironmentException(
                    $"{Folder}: holds {generated.Count} {role} keys "
                    + $"({string.Join(", ", generated.Select(Path.GetFileName))}); init uses one key per role: keep "
                    + "one, and add the others afterwards with 'registry root propose --add-key' and a threshold");
            }

            path = generated.Count == 1 ? generated[0] : path;
        }

        if (File.Exists(path))
        {
            var existing = KeyFile.Read(path, _passphrases);
            if (_byId.TryGetValue(existing.KeyId, out var held))
            {
                existing.Dispose();
                return held;
            }

            _byId[existing.KeyId] = existing;
            _fileOf[existing.KeyId] = path;
            return existing;
        }

        var key = SigningKey.Generate();
        KeyFile.Write(path, key, _passphrases.ForNewKeys);
        _byId[key.KeyId] = key;
        _fileOf[key.KeyId] = path;
        return key;
    }

    /// <summary>
    /// The held keys among <paramref name="role"/>'s key ids (distinct keys, in the role's order);
    /// refuses when fewer than its threshold are held, naming the missing key ids.
    /// </summary>
    public IReadOnlyList<SigningKey> KeysFor(string roleName, RoleKeys role)
    {
        var held = role.KeyIds.Distinct(StringComparer.Ordinal).Where(_byId.ContainsKey).Select(id => _byId[id])
            .ToList();
        if (held.Count < role.Threshold)
        {
            throw new EnvironmentException(
                $"keys folder '{Folder}' holds {held.Count} of the {roleName} role's keys, it needs {role.Threshold} " +
                $"(key ids: {string.Join(", ", role.KeyIds.Select(id => id[..Math.Min(12, id.Length)]))}); pass --keys "
                + $"with the {roleName} key(s)");
        }

        return held;
    }

    public bool Holds(RoleKeys role)
        => role.KeyIds.Distinct(StringComparer.Ordinal).Count(_byId.ContainsKey) >= role.Threshold;

    public void Dispose()
    {
        foreach (var key in _byId.Values)
        {
            key.Dispose();
        }
    }
}
