using System.Net;
using Registry.Core;

namespace Registry.Client.Internal;

/// <summary>
/// The edge's refusals of a read token (docs/protocol.md, "Read tokens"): a 401 or the verifier's 403
/// as one line a user can act on: which source, why (the verifier names it in
/// <see cref="HttpObjectReader.TokenErrorHeader"/>), and the command that fixes it.
/// </summary>
internal static class TokenRefusals
{
    public static AccessDeniedException For(Uri baseUri, ReadCredential? credential, Uri uri, HttpAnswer answer)
    {
        var who = credential is null ? $"{baseUri}" : $"source '{credential.SourceName}' ({baseUri})";
        var fix = credential is { LoginHint.Length: > 0 }
            ? credential.LoginHint
            : "give it a read token (registry source login NAME, or --token-env VAR)";
        var sent = credential is not null && credential.AppliesTo(uri) && credential.Token is { Length: > 0 };
        if (answer.Status == HttpStatusCode.Forbidden)
        {
            return new AccessDeniedException(
                Rules.TokenScope,
                $"{who}: the read token does not grant {uri.AbsolutePath} (HTTP 403); "
                + "ask for a token whose scope covers it",
                1);
        }

        return answer.TokenError switch
        {
            "expired" => new AccessDeniedException(
                Rules.TokenExpired, $"{who}: the read token has expired (HTTP 401); get a new one and {fix}", 2),
            "revoked" => new AccessDeniedException(
                Rules.TokenRevoked, $"{who}: the read token has been revoked (HTTP 401); get a new one and {fix}", 2),
            "wrong-registry" => new AccessDeniedException(
                Rules.TokenRegistry, $"{who}: the read token is for another registry (HTTP 401); {fix}", 2),
            _ when sent => new AccessDeniedException(
                Rules.TokenInvalid,
                $"{who}: the read token ({credential!.From}) was refused (HTTP 401); get a new one and {fix}",
                2),
            _ => new AccessDeniedException(Rules.TokenRequired, $"{who} needs a read token (HTTP 401): {fix}", 2),
        };
    }
}
