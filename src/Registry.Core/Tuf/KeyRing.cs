namespace Registry.Core.Tuf;

/// <summary>
/// The private keys a maintainer holds: every <c>*.pem</c> in the keys folder. A role is signed
/// with each held key that the root lists for it; which file holds which key does not matter.
/// <c>registry init</c> creates <c>root.pem</c>, <c>targets.pem</c>, <c>snapshot.pem</c> and
/// <c>timestamp.pem</c> when the folder has none.
/// </summary>
public sealed class KeyRing : IDisposable
{
    private readonly Dictionary<string, SigningKey> _byId;

    private KeyRing(string folder, Dictionary<string, SigningKey> byId, Dictionary<string, string> fileOf)
    {
        Folder = folder;
        _byId = byId;
        FileOf = fileOf;
    }

    public string Folder { get; }

    /// <summary>Key id to the file it came from.</summary>
    public IReadOnlyDictionary<string, string> FileOf { get; }

    public IReadOnlyCollection<SigningKey> Keys => _byId.Values;

    public static KeyRing Load(string folder)
    {
        var byId = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.pem").Order(StringComparer.Ordinal))
            {
                var key = SigningKey.FromPem(File.ReadAllText(file), file);
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

        return new KeyRing(folder, byId, fileOf);
    }

    /// <summary>The key for a top-level role at init: <c>ROLE.pem</c>, generated (mode 0600) when absent.</summary>
    public SigningKey GetOrCreateRoleKey(string role)
    {
        var path = Path.Combine(Folder, role + ".pem");
        if (File.Exists(path))
        {
            var existing = SigningKey.FromPem(File.ReadAllText(path), path);
            if (_byId.TryGetValue(existing.KeyId, out var held))
            {
                existing.Dispose();
                return held;
            }

            _byId[existing.KeyId] = existing;
            ((Dictionary<string, string>)FileOf)[existing.KeyId] = path;
            return existing;
        }

        Directory.CreateDirectory(Folder);
        var key = SigningKey.Generate();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPrivatePem());
        }

        _byId[key.KeyId] = key;
        ((Dictionary<string, string>)FileOf)[key.KeyId] = path;
        return key;
    }

    /// <summary>The held keys among <paramref name="role"/>'s key ids; refuses when fewer than its threshold.</summary>
    public IReadOnlyList<SigningKey> KeysFor(string roleName, RoleKeys role)
    {
        var held = role.KeyIds.Where(_byId.ContainsKey).Select(id => _byId[id]).ToList();
        if (held.Count < role.Threshold)
        {
            throw new EnvironmentException(
                $"keys folder '{Folder}' holds {held.Count} of the {roleName} role's keys, it needs {role.Threshold} " +
                $"(key ids: {string.Join(", ", role.KeyIds.Select(id => id[..12]))}); pass --keys with the {roleName} key(s)");
        }

        return held;
    }

    public bool Holds(RoleKeys role) => role.KeyIds.Count(_byId.ContainsKey) >= role.Threshold;

    public void Dispose()
    {
        foreach (var key in _byId.Values)
        {
            key.Dispose();
        }
    }
}
