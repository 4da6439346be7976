using System.Text.Json.Serialization;
using Registry.Core;

namespace Registry.Client;

/// <summary>A configured registry: a name, a primary URL, fallback mirrors, and its root of trust.</summary>
public sealed record SourceConfig
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("url")]
    public required Uri Url { get; init; }

    [JsonPropertyName("mirrors")]
    public IReadOnlyList<Uri> Mirrors { get; init; } = [];

    [JsonIgnore]
    public IEnumerable<Uri> Urls => Mirrors.Prepend(Url);

    /// <summary>A private registry's read token comes from this environment variable (its name only is kept).</summary>
    [JsonPropertyName("token_env")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TokenEnv { get; init; }

    /// <summary>A command that prints the read token (as git's and cargo's credential helpers do).</summary>
    [JsonPropertyName("credential_helper")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CredentialHelper { get; init; }

    /// <summary>Witness verifier keys (C2SP vkeys, type 04) whose cosignatures on the registry's log checkpoint count
    /// (docs/protocol.md, "Witnesses").</summary>
    [JsonPropertyName("witnesses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Witnesses { get; init; }

    /// <summary>How many of <see cref="Witnesses"/> must have cosigned a checkpoint before a state is accepted (0: no
    /// witness policy).</summary>
    [JsonPropertyName("witness_quorum")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int WitnessQuorum { get; init; }

    /// <summary>A registry's base URL (http or https; the folder holding <c>metadata/</c> and <c>targets/</c>), with a
    /// trailing '/'.</summary>
    public static Uri ParseUrl(string text) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            ? uri
            : throw new EnvironmentException($"'{text}' is not an http(s) URL");
}

/// <summary>
/// What <c>registry source add</c> asks for: a name, URLs, and where the root of trust comes
/// from: <see cref="RootFile"/> (obtained out of band), <see cref="RootSha256"/> (trust on first
/// use of the registry's <c>1.root.json</c>, pinned by hash), or both (they must agree).
/// </summary>
public sealed record SourceRequest
{
    public required string Name { get; init; }

    public required string Url { get; init; }

    public IReadOnlyList<string> Mirrors { get; init; } = [];

    public string? RootFile { get; init; }

    public string? RootSha256 { get; init; }

    public string? TokenEnv { get; init; }

    public string? CredentialHelper { get; init; }

    /// <summary>The witness policy (<see cref="SourceConfig.Witnesses"/>,
    /// <see cref="SourceConfig.WitnessQuorum"/>).</summary>
    public IReadOnlyList<string>? Witnesses { get; init; }

    public int WitnessQuorum { get; init; }
}

/// <summary>A source as added: its configuration, the sha256 of the root it trusts, and whether it is the default (the
/// first source).</summary>
public sealed record AddedSource(SourceConfig Source, string RootSha256, bool IsDefault);
