using Registry.Log;

namespace Registry.Core.Keys;

/// <summary>
/// The transparency log's Ed25519 note key, beside the TUF keys in the keys folder as <c>log.key</c>
/// (<c>PRIVATE+KEY+ORIGIN+KEYID+BASE64</c>, mode 0600). Every writer that commits (publish, yank,
/// refresh) signs the log's new checkpoint with it.
/// </summary>
public static class LogKey
{
    public const string FileName = "log.key";

    public static NoteSigner? LoadOrNull(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return NoteSigner.Parse(File.ReadAllText(path));
        }
        catch (LogException e)
        {
            throw new EnvironmentException($"{path}: {e.Message}");
        }
    }

    /// <summary>The log key named <paramref name="origin"/> in <paramref name="folder"/>, made (and written) when there
    /// is none.</summary>
    public static NoteSigner GetOrCreate(string folder, string origin)
    {
        if (LoadOrNull(folder) is { } existing)
        {
            return existing.Name == origin
                ? existing
                : throw new EnvironmentException($"{Path.Combine(folder, FileName)} is the key of the log "
                    + $"'{existing.Name}', not '{origin}'; move it away or use that origin");
        }

        NoteSigner key;
        try
        {
            key = NoteSigner.Generate(origin, NoteKeyType.Ed25519);
        }
        catch (LogException e)
        {
            throw new EnvironmentException($"log origin: {e.Message}");
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(key.Encoded + "\n");
        }

        File.WriteAllText(Path.Combine(folder, "log.pub"), key.Verifier.Encoded + "\n");
        return key;
    }
}
