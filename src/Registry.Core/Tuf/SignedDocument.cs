using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Registry.Core.Tuf;

/// <summary>
/// A metadata file: <c>{"signatures": [...], "signed": {...}}</c>. Reading keeps the canonical
/// bytes of <c>signed</c> exactly as parsed (unknown fields included) so signatures are checked
/// over what the signer signed; writing lays the file out canonically (with control characters escaped, so it is valid
/// JSON).
/// </summary>
public sealed class SignedDocument<T>
    where T : SignedBase
{
    private SignedDocument(T signed, byte[] canonicalSigned, IReadOnlyList<Signature> signatures, byte[] fileBytes)
    {
        Signed = signed;
        CanonicalSigned = canonicalSigned;
        Signatures = signatures;
        FileBytes = fileBytes;
    }

    public T Signed { get; }

    /// <summary>The canonical JSON bytes of <c>signed</c>: what the signatures cover.</summary>
    public byte[] CanonicalSigned { get; }

    public IReadOnlyList<Signature> Signatures { get; }

    /// <summary>The file's bytes, as read or as written.</summary>
    public byte[] FileBytes { get; }

    /// <summary>Signs a document with each key and lays out the canonical file.</summary>
    public static SignedDocument<T> Create(T signed, IEnumerable<SigningKey> keys, JsonTypeInfo<T> typeInfo)
    {
        var element = JsonSerializer.SerializeToElement(signed, typeInfo);
        var canonical = CanonicalJson.Serialize(element);
        var signatures = keys.Select(k => k.Sign(canonical)).OrderBy(s => s.KeyId, StringComparer.Ordinal).ToList();
        return new SignedDocument<T>(signed, canonical, signatures, Layout(element, signatures));
    }

    /// <summary>
    /// This document with more signatures over the same canonical bytes (a root collecting its
    /// signatures on several machines). A signature by a key id already present replaces it.
    /// </summary>
    public SignedDocument<T> WithSignatures(IEnumerable<Signature> more)
    {
        var byKey = new Dictionary<string, Signature>(StringComparer.Ordinal);
        foreach (var signature in Signatures.Concat(more))
        {
            byKey[signature.KeyId] = signature;
        }

        var signatures = byKey.Values.OrderBy(s => s.KeyId, StringComparer.Ordinal).ToList();
        using var document = JsonDocument.Parse(FileBytes);
        return new SignedDocument<T>(
            Signed,
            CanonicalSigned,
            signatures,
            Layout(document.RootElement.GetProperty("signed"), signatures));
    }

    private static byte[] Layout(JsonElement signed, IReadOnlyList<Signature> signatures)
    {
        using var file = new MemoryStream();
        file.Write("{\"signatures\":["u8);
        for (var i = 0; i < signatures.Count; i++)
        {
            if (i > 0)
            {
                file.WriteByte((byte)',');
            }

            file.Write(
                Encoding.UTF8.GetBytes($"{{\"keyid\":\"{signatures[i].KeyId}\",\"sig\":\"{signatures[i].Sig}\"}}"));
        }

        file.Write("],\"signed\":"u8);
        file.Write(CanonicalJson.SerializeForFile(signed));
        file.WriteByte((byte)'}');
        return file.ToArray();
    }

    /// <summary>
    /// Parses a metadata file. Checks only its shape and type; signatures are checked by
    /// <see cref="MetadataVerifier"/> against the keys the caller trusts.
    /// </summary>
    public static SignedDocument<T> Parse(
        byte[] fileBytes,
        string expectedType,
        JsonTypeInfo<T> typeInfo,
        string source)
    {
        try
        {
            using var document = JsonDocument.Parse(fileBytes, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("signed", out var signedElement)
                || !root.TryGetProperty("signatures", out var signaturesElement)
                || signaturesElement.ValueKind != JsonValueKind.Array)
            {
                throw new VerificationException($"{source}: not TUF metadata (needs 'signed' and 'signatures')");
            }

            var type = signedElement.TryGetProperty("_type", out var typeElement) ? typeElement.GetString() : null;
            if (type != expectedType)
            {
                throw new VerificationException($"{source}: metadata type is '{type}', expected '{expectedType}'");
            }

            var signatures = new List<Signature>();
            foreach (var s in signaturesElement.EnumerateArray())
            {
                var keyId = s.TryGetProperty("keyid", out var k) && k.ValueKind == JsonValueKind.String
                    ? k.GetString()!
                    : null;
                var sig = s.TryGetProperty("sig", out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : null;
                if (keyId is null || sig is null)
                {
                    throw new VerificationException($"{source}: malformed signature entry");
                }

                signatures.Add(new Signature(keyId, sig));
            }

            var canonical = CanonicalJson.Serialize(signedElement);
            var signed = signedElement.Deserialize(typeInfo)
                ?? throw new VerificationException($"{source}: empty 'signed'");
            return new SignedDocument<T>(signed, canonical, signatures, fileBytes);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException
            or KeyNotFoundException)
        {
            throw new VerificationException(
                $"{source}: malformed metadata ({(e is JsonException json ? JsonProblem.Describe(json) : e.Message)})",
                e);
        }
    }
}
