using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core;
using Registry.Core.Storage;

namespace Registry.Client;

/// <summary>
/// <c>$REGISTRY_HOME/credentials.json</c> (mode 0600): the read tokens <c>registry source login</c>
/// stored, by source name. Kept apart from sources.json and the cache, which hold no token.
/// </summary>
public static class Credentials
{
    public const string FileName = "credentials.json";

    public static string PathIn(RegistryHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return Path.Combine(home.Path, FileName);
    }

    /// <summary>
    /// The entry a token is stored under: the source's name for its own origin, or the name and a
    /// mirror's origin (<c>NAME https://host:port</c>) for a mirror on another origin, which gets its
    /// own token (<c>registry source login NAME --mirror URL</c>) and never the source's.
    /// </summary>
    public static string KeyFor(string source, Uri? mirror) =>
        mirror is null ? source : $"{source} {mirror.GetLeftPart(UriPartial.Authority)}";

    public static string? StoredOrNull(RegistryHome home, string source) =>
        Read(home).TryGetValue(source, out var entry) ? entry.Token : null;

    /// <summary>Stores a source's token (replacing any), the whole file written mode 0600 and renamed into
    /// place.</summary>
    public static void Store(RegistryHome home, string source, string token)
    {
        var tokens = Read(home);
        tokens[source] = new StoredCredential(token);
        Write(home, tokens);
    }

    /// <summary>Forgets a source's token; false when there was none.</summary>
    public static bool Remove(RegistryHome home, string source)
    {
        var tokens = Read(home);
        if (!tokens.Remove(source))
        {
            return false;
        }

        Write(home, tokens);
        return true;
    }

    /// <summary>Forgets a source's token and its mirrors' tokens (<c>source remove</c>).</summary>
    public static void RemoveAll(RegistryHome home, string source)
    {
        var tokens = Read(home);
        var gone = tokens.Keys.Where(k => k == source || k.StartsWith(source + " ", StringComparison.Ordinal)).ToList();
        if (gone.Count > 0)
        {
            gone.ForEach(k => tokens.Remove(k));
            Write(home, tokens);
        }
    }

    private static Dictionary<string, StoredCredential> Read(RegistryHome home)
    {
        var path = PathIn(home);
        if (!File.Exists(path))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            var read = JsonSerializer.Deserialize(
                File.ReadAllBytes(path),
                CredentialsJsonContext.Default.DictionaryStringStoredCredential);
            return read is null ? new(StringComparer.Ordinal) : new(read, StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            // The message names the file, never its content.
            throw new EnvironmentException(
                $"{path}: malformed JSON; remove it and log in again with 'registry source login NAME'",
                e);
        }
    }

    private static void Write(RegistryHome home, Dictionary<string, StoredCredential> tokens)
    {
        Directory.CreateDirectory(home.Path);
        var path = PathIn(home);
        AtomicFile.Write(
            path,
            stream => JsonSerializer.Serialize(
                stream,
                tokens,
                CredentialsJsonContext.Default.DictionaryStringStoredCredential),
            AtomicFile.OwnerOnly);
    }
}

public sealed record StoredCredential([property: JsonPropertyName("token")] string Token);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, StoredCredential>))]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext;
