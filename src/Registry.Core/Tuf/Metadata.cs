using System.Text.Json.Serialization;

namespace Registry.Core.Tuf;

/// <summary>The roles of TUF 1.0 and the metadata type strings (<c>_type</c>).</summary>
public static class RoleNames
{
    public const string Root = "root";
    public const string Timestamp = "timestamp";
    public const string Snapshot = "snapshot";
    public const string Targets = "targets";

    public static IReadOnlyList<string> TopLevel { get; } = [Root, Targets, Snapshot, Timestamp];
}

/// <summary>What every signed document has: its type, spec version, version number and expiry.</summary>
public abstract record SignedBase
{
    [JsonPropertyName("_type")]
    public required string Type { get; init; }

    [JsonPropertyName("spec_version")]
    public string SpecVersion { get; init; } = TufSpec.Version;

    [JsonPropertyName("version")]
    public required long Version { get; init; }

    [JsonPropertyName("expires")]
    [JsonConverter(typeof(TufDateTimeConverter))]
    public required DateTimeOffset Expires { get; init; }
}

public static class TufSpec
{
    /// <summary>The specification version written into metadata.</summary>
    public const string Version = "1.0.31";
}

/// <summary>A public key as TUF writes it: keytype, scheme and the PEM public key.</summary>
public sealed record TufKey(
    [property: JsonPropertyName("keytype")] string KeyType,
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("keyval")] KeyValue KeyVal);

public sealed record KeyValue([property: JsonPropertyName("public")] string Public);

/// <summary>The keys allowed to sign a role and how many of them must.</summary>
public sealed record RoleKeys(
    [property: JsonPropertyName("keyids")] IReadOnlyList<string> KeyIds,
    [property: JsonPropertyName("threshold")] int Threshold);

public sealed record RootMetadata : SignedBase
{
    [JsonPropertyName("consistent_snapshot")]
    public bool ConsistentSnapshot { get; init; } = true;

    [JsonPropertyName("keys")]
    public required IReadOnlyDictionary<string, TufKey> Keys { get; init; }

    [JsonPropertyName("roles")]
    public required IReadOnlyDictionary<string, RoleKeys> Roles { get; init; }

    /// <summary>The registry layout version (<see cref="RegistryFormat"/>); a TUF extension field, signed with the
    /// rest.</summary>
    [JsonPropertyName(RegistryFormat.FieldName)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LayoutVersion { get; init; }

    /// <summary>The registry's transparency log (docs/protocol.md, "The transparency log"), when it keeps one; signed
    /// with the root.</summary>
    [JsonPropertyName(LogFields.FieldName)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RootLog? Log { get; init; }
}

/// <summary>The fields the transparency log adds to TUF metadata (extension fields, signed with the rest).</summary>
public static class LogFields
{
    public const string FieldName = "x-registry-log";

    /// <summary>Where the log lives in the store and on the CDN.</summary>
    public const string Prefix = "log/";
}

/// <summary>In the root: the log's origin (its checkpoints' first line) and its Ed25519 note verifier key.</summary>
public sealed record RootLog(
    [property: JsonPropertyName("origin")] string Origin,
    [property: JsonPropertyName("key")] string Key);

/// <summary>
/// In the timestamp: the checkpoint this state belongs to (a signed note, with any witness
/// cosignatures), the log entry that records this state, and its inclusion proof in the checkpoint,
/// each base64 (the note and entry are text with newlines; base64 keeps canonical JSON trivial).
/// </summary>
public sealed record TimestampLog(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("entry")] string Entry,
    [property: JsonPropertyName("proof")] IReadOnlyList<string> Proof);

/// <summary>A metadata file's version, and for the snapshot in the timestamp its length and hashes.</summary>
public sealed record MetaFile
{
    [JsonPropertyName("version")]
    public required long Version { get; init; }

    [JsonPropertyName("length")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Length { get; init; }

    [JsonPropertyName("hashes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Hashes { get; init; }
}

public sealed record TimestampMetadata : SignedBase
{
    [JsonPropertyName("meta")]
    public required IReadOnlyDictionary<string, MetaFile> Meta { get; init; }

    [JsonPropertyName(LogFields.FieldName)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimestampLog? Log { get; init; }
}

public sealed record SnapshotMetadata : SignedBase
{
    [JsonPropertyName("meta")]
    public required IReadOnlyDictionary<string, MetaFile> Meta { get; init; }
}

/// <summary>A target file: its length and hashes (and optional custom data).</summary>
public sealed record TargetFile
{
    [JsonPropertyName("length")]
    public required long Length { get; init; }

    [JsonPropertyName("hashes")]
    public required IReadOnlyDictionary<string, string> Hashes { get; init; }

    [JsonIgnore]
    public string Sha256 => Hashes.TryGetValue("sha256", out var hash)
        ? hash
        : throw new VerificationException("target has no sha256 hash");
}

/// <summary>Hashed-bin delegation (TAP 15 succinct roles): 2^bit_length bins named prefix-XX.</summary>
public sealed record SuccinctRoles
{
    [JsonPropertyName("keyids")]
    public required IReadOnlyList<string> KeyIds { get; init; }

    [JsonPropertyName("threshold")]
    public required int Threshold { get; init; }

    [JsonPropertyName("bit_length")]
    public required int BitLength { get; init; }

    [JsonPropertyName("name_prefix")]
    public required string NamePrefix { get; init; }
}

public sealed record Delegations
{
    [JsonPropertyName("keys")]
    public required IReadOnlyDictionary<string, TufKey> Keys { get; init; }

    [JsonPropertyName("succinct_roles")]
    public required SuccinctRoles SuccinctRoles { get; init; }
}

/// <summary>Top-level targets and each hashed bin have this shape.</summary>
public sealed record TargetsMetadata : SignedBase
{
    [JsonPropertyName("targets")]
    public required IReadOnlyDictionary<string, TargetFile> Targets { get; init; }

    [JsonPropertyName("delegations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Delegations? Delegations { get; init; }

    /// <summary>The registry layout version on the top-level targets (bins leave it out).</summary>
    [JsonPropertyName(RegistryFormat.FieldName)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LayoutVersion { get; init; }
}

/// <summary>One signature: the key's id and the hex DER ECDSA signature.</summary>
public sealed record Signature(
    [property: JsonPropertyName("keyid")] string KeyId,
    [property: JsonPropertyName("sig")] string Sig);
