using System.Text.Json.Serialization.Metadata;
using Registry.Core.Tuf;

namespace Registry.Testing;

/// <summary>
/// One public key passed off as two: the same key with its PEM written another way (CRLF line
/// ends, 32-character lines) has another key id, and a signature listed under both ids looks
/// like two signatures. For the tests that prove a key counts once.
/// </summary>
public static class KeyAliases
{
    /// <summary>The same key as <paramref name="key"/>, its PEM wrapped differently; its key id differs.</summary>
    public static TufKey Rewrapped(TufKey key)
    {
        var lines = key.KeyVal.Public
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var body = string.Concat(lines[1..^1]);
        var wrapped = string.Join("\r\n", body.Chunk(32).Select(chunk => new string(chunk)));
        var alias = key with { KeyVal = new KeyValue($"{lines[0]}\r\n{wrapped}\r\n{lines[^1]}\r\n") };
        return alias.KeyVal.Public != key.KeyVal.Public
            ? alias
            : throw new InvalidOperationException("the rewrapped PEM is the same text");
    }

    /// <summary>The alias of a signing key's public key, and its key id.</summary>
    public static (string Id, TufKey Key) AliasOf(SigningKey key)
    {
        var alias = Rewrapped(key.Public);
        return (SigningKey.KeyIdOf(alias), alias);
    }

    /// <summary><paramref name="document"/> with its signature by <paramref name="key"/> listed again under
    /// <paramref name="aliasId"/>.</summary>
    public static SignedDocument<T> SignedAgainUnder<T>(SignedDocument<T> document, SigningKey key, string aliasId)
        where T : SignedBase =>
        document.WithSignatures([document.Signatures.Single(s => s.KeyId == key.KeyId) with { KeyId = aliasId }]);

    /// <summary>Signs <paramref name="signed"/> once with <paramref name="key"/> and lists that signature under its id
    /// and under <paramref name="aliasId"/>.</summary>
    public static SignedDocument<T> SignedOnceListedTwice<T>(
        T signed,
        SigningKey key,
        string aliasId,
        JsonTypeInfo<T> typeInfo)
        where T : SignedBase =>
        SignedAgainUnder(SignedDocument<T>.Create(signed, [key], typeInfo), key, aliasId);
}
