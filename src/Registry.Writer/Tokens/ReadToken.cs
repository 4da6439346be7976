using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Registry.Core.Tokens;

/// <summary>
/// A read token: a signed, expiring claim the edge checks on every request (docs/protocol.md,
/// "Read tokens"). Its text is <c>rgt1~REGISTRY~TOKENID~EXPIRES~SCOPE~SECRETID~HMAC</c>: plain
/// fields (so the edge's JavaScript needs no base64 or JSON to read it), EXPIRES in Unix seconds,
/// SCOPE a package-name prefix (empty: every package), and HMAC the lowercase hex HMAC-SHA256, keyed
/// with the ASCII of the secret's hex text, of everything before the last '~'. The one rule, also in
/// infra/edge/token-verifier.js.
/// </summary>
public sealed record ReadToken(string Registry, string Id, long ExpiresUnixSeconds, string Scope, string SecretId)
{
    public const string Prefix = "rgt1";

    public const char Separator = '~';

    public DateTimeOffset Expires => DateTimeOffset.FromUnixTimeSeconds(ExpiresUnixSeconds);

    /// <summary>The text that is signed (every field but the signature).</summary>
    public string Claim => string.Join(
        Separator,
        Prefix,
        Registry,
        Id,
        ExpiresUnixSeconds.ToString(CultureInfo.InvariantCulture),
        Scope,
        SecretId);

    /// <summary>The token's text: the claim and its HMAC under <paramref name="secretHex"/>.</summary>
    public string Sign(string secretHex) => Claim + Separator + Mac(secretHex, Claim);

    public static string Mac(string secretHex, string claim) =>
        Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.ASCII.GetBytes(secretHex), Encoding.UTF8.GetBytes(claim)));

    /// <summary>Reads the fields of a token's text (without checking its signature), or null when it is not
    /// one.</summary>
    public static ReadToken? ParseOrNull(string text, out string signature)
    {
        signature = "";
        var parts = text.Trim().Split(Separator);
        if (parts.Length != 7 || parts[0] != Prefix
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        signature = parts[6];
        return new ReadToken(parts[1], parts[2], expires, parts[4], parts[5]);
    }

    /// <summary>A package name is in a scope when the scope is empty or a prefix of it (case-insensitive, as NuGet ids
    /// are).</summary>
    public bool Grants(string packageName)
        => Scope.Length == 0 || packageName.StartsWith(Scope, StringComparison.OrdinalIgnoreCase);
}
