using System.Text.Json.Serialization;

namespace Registry.Core.Index;

/// <summary>
/// Another registry, as signed data names it: its base URL and the sha256 of its
/// <c>metadata/1.root.json</c>. A client bootstraps that registry's trust from the pin (never
/// trust on first use); an index entry's <see cref="IndexEntry.DependencyRegistries"/>, the
/// publisher's known registries and the lock file all record registries in this one form.
/// </summary>
public sealed record RegistryPin
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    [JsonPropertyName("root_sha256")]
    public required string RootSha256 { get; init; }

    /// <summary>The rule a malformed pin breaks.</summary>
    public const string Rule = Rules.RegistryPin;

    /// <summary>What the rule allows, for messages.</summary>
    public const string RuleText =
        "an https URL (http only to a loopback host) ending in '/', without user info, query or fragment, "
        + "and a root_sha256 of 64 lowercase hex digits";

    /// <summary>Why <paramref name="pin"/> is not a well-formed pin, or null when it is.</summary>
    public static string? Problem(RegistryPin? pin)
    {
        if (pin is null)
        {
            return "is null";
        }

        if (pin.Url is null || !Uri.TryCreate(pin.Url, UriKind.Absolute, out var uri) || uri.AbsoluteUri != pin.Url
            || !pin.Url.EndsWith('/') || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || !(uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback)))
        {
            return $"has the url '{pin.Url}', "
                + "not an https URL (or http to a loopback host) in normal form ending in '/'";
        }

        return pin.RootSha256 is { Length: 64 } sha && sha.All(char.IsAsciiHexDigitLower)
            ? null
            : $"has the root_sha256 '{pin.RootSha256}', not 64 lowercase hex digits";
    }

    /// <summary>A pin from a user's URL and hash, in normal form (trailing '/', lowercase hash), checked by
    /// <see cref="Problem"/>.</summary>
    public static RegistryPin Parse(string url, string rootSha256, string what)
    {
        var slashed = url.EndsWith('/') ? url : url + "/";
        var normal = Uri.TryCreate(slashed, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : url;
        var pin = new RegistryPin { Url = normal, RootSha256 = rootSha256.ToLowerInvariant() };
        return Problem(pin) is { } problem
            ? throw new EnvironmentException(Rule, $"{what} {problem}; a registry is {RuleText}")
            : pin;
    }

    /// <summary>Whether two pins name the same registry URL (the identity a project's packages are grouped
    /// by).</summary>
    public bool SameUrl(Uri url) => string.Equals(Url, url.AbsoluteUri, StringComparison.Ordinal);
}
