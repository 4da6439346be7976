using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core.Storage;

namespace Registry.Core.Tokens;

/// <summary>
/// The issuer's side of read tokens: <c>tokens.json</c> in the keys folder (mode 0600, never in
/// the store). It holds the registry's token id, the HMAC secrets (the newest signs; every listed
/// one verifies, so a rotation locks nobody out), and the issued tokens with their revocations.
/// The edge gets <see cref="EdgeConfig"/>: the secrets and the revoked ids that have not expired.
/// </summary>
public sealed class TokenFile
{
    public const string FileName = "tokens.json";

    private readonly string _path;

    private TokenFile(string path, TokenFileDocument document)
    {
        _path = path;
        Document = document;
    }

    public TokenFileDocument Document { get; private set; }

    public static string PathIn(string keysFolder) => Path.Combine(keysFolder, FileName);

    /// <summary>Reads the file, or starts one (a random registry id and a first secret) when there is none and
    /// <paramref name="create"/>.</summary>
    public static TokenFile Open(string keysFolder, bool create)
    {
        if (!Directory.Exists(keysFolder))
        {
            throw new EnvironmentException($"keys folder '{keysFolder}' does not exist: pass --keys with the folder "
                + "that holds the signing keys (the token secret lives beside them)");
        }

        var path = PathIn(keysFolder);
        if (!File.Exists(path))
        {
            return create
                ? new TokenFile(path, new TokenFileDocument(
                    Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                    [NewSecret()],
                    []))
                : throw new EnvironmentException($"no read tokens issued from '{keysFolder}' yet ({FileName} is "
                    + "absent): issue one with 'registry token issue'");
        }

        try
        {
            var document = JsonSerializer.Deserialize(
                File.ReadAllBytes(path),
                TokenJsonContext.Default.TokenFileDocument)
                ?? throw new JsonException("null");
            return document.Secrets.Count == 0
                ? throw new EnvironmentException($"{path} lists no secret: it is damaged; restore it from a backup")
                : new TokenFile(path, document);
        }
        catch (JsonException e)
        {
            throw new EnvironmentException($"{path} is not a token file ({e.Message}); restore it from a backup", e);
        }
    }

    public TokenSecret Current => Document.Secrets[^1];

    /// <summary>Issues a token: records it (name, expiry, scope; never its text) and returns its text, shown
    /// once.</summary>
    public (TokenRecord Record, string Text) Issue(string name, DateTimeOffset expires, string scope)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var token = new ReadToken(Document.Registry, id, expires.ToUnixTimeSeconds(), scope, Current.Id);
        var record = new TokenRecord(id, name, scope, token.Expires, null);
        Document = Document with { Tokens = [.. Document.Tokens, record] };
        return (record, token.Sign(Current.Secret));
    }

    /// <summary>Revokes a token by id (or unique id prefix); null when there is no such token.</summary>
    public TokenRecord? Revoke(string id, DateTimeOffset now)
    {
        var matches = Document.Tokens.Where(t => t.Id.StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count > 1)
        {
            throw new EnvironmentException(
                $"token id '{id}' matches {matches.Count} tokens; give more of it (see 'registry token list')");
        }

        if (matches.Count == 0)
        {
            return null;
        }

        var revoked = matches[0].Revoked is null ? matches[0] with { Revoked = now } : matches[0];
        Document = Document with { Tokens = [.. Document.Tokens.Select(t => t.Id == revoked.Id ? revoked : t)] };
        return revoked;
    }

    /// <summary>A new secret signs from now on; the older ones still verify until retired.</summary>
    public TokenSecret Rotate()
    {
        var secret = NewSecret();
        Document = Document with { Secrets = [.. Document.Secrets, secret] };
        return secret;
    }

    /// <summary>Stops a secret verifying: the tokens it signed stop working at the edge once it reads the new
    /// config.</summary>
    public void Retire(string secretId)
    {
        if (Document.Secrets.All(s => s.Id != secretId))
        {
            throw new EnvironmentException(
                $"no secret '{secretId}'; the secrets are {string.Join(", ", Document.Secrets.Select(s => s.Id))}");
        }

        if (Document.Secrets.Count == 1)
        {
            throw new EnvironmentException($"'{secretId}' is the only secret: run 'registry token rotate' first, then "
                + "retire it once the edge has the new one");
        }

        Document = Document with { Secrets = [.. Document.Secrets.Where(s => s.Id != secretId)] };
    }

    /// <summary>What the edge reads: the registry id, every secret that verifies, and the revoked ids that have not
    /// expired yet.</summary>
    public EdgeConfig EdgeConfig(DateTimeOffset now) => new(
        Document.Registry,
        Document.Secrets.ToDictionary(s => s.Id, s => s.Secret, StringComparer.Ordinal),
        [.. Document.Tokens.Where(t => t.Revoked is not null && t.Expires > now).Select(t => t.Id)]);

    /// <summary>Writes the file whole (to a temporary file, then a rename), mode 0600.</summary>
    public void Save()
    {
        AtomicFile.Write(
            _path,
            stream => JsonSerializer.Serialize(stream, Document, TokenJsonContext.Default.TokenFileDocument),
            AtomicFile.OwnerOnly);
    }

    public static void WriteEdgeConfig(string path, EdgeConfig config)
    {
        // 0640: the edge's process may run as another user of the operator's group.
        AtomicFile.Write(
            path,
            stream => JsonSerializer.Serialize(stream, config, TokenJsonContext.Default.EdgeConfig),
            AtomicFile.OwnerOnly | UnixFileMode.GroupRead);
    }

    private static TokenSecret NewSecret() => new(
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
}

public sealed record TokenFileDocument(
    [property: JsonPropertyName("registry")] string Registry,
    [property: JsonPropertyName("secrets")] IReadOnlyList<TokenSecret> Secrets,
    [property: JsonPropertyName("tokens")] IReadOnlyList<TokenRecord> Tokens);

public sealed record TokenSecret(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("secret")] string Secret);

public sealed record TokenRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("revoked")] DateTimeOffset? Revoked);

/// <summary>The edge's file (nginx reads it; on CloudFront its keys go into the KeyValueStore).</summary>
public sealed record EdgeConfig(
    [property: JsonPropertyName("registry")] string Registry,
    [property: JsonPropertyName("secrets")] IReadOnlyDictionary<string, string> Secrets,
    [property: JsonPropertyName("revoked")] IReadOnlyList<string> Revoked);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(TokenFileDocument))]
[JsonSerializable(typeof(EdgeConfig))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
