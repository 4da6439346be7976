using System.Net;
using Registry.Core;

namespace Registry.Client.Internal;

/// <summary>
/// The redirect rule of every request the client and the mirror send (the handler's own
/// following is off): 301, 302, 303, 307 and 308 are followed to http or https only, never from
/// https down to http, and at most <see cref="MaxRedirects"/> times per attempt (curl and the
/// browsers bound them too). Any other redirect is refused with a <see cref="RegistryException"/>
/// that names the URL; a refusal is an answer, not a transient failure, so it is not retried
/// (the caller may move to the next URL).
/// </summary>
internal static class HttpRedirects
{
    public const int MaxRedirects = 10;

    /// <summary>The URL to request next when <paramref name="response"/> is a redirect, else null; throws when the
    /// redirect is refused.</summary>
    public static Uri? NextOrNull(
        HttpMethod method,
        Uri requested,
        Uri current,
        HttpResponseMessage response,
        int followed)
    {
        if (response
            .StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
        {
            return null;
        }

        // The raw header, resolved against the URL that answered: the typed Location reads a
        // relative "/path" as a file path on Unix.
        var location = response.Headers.NonValidated.TryGetValues("Location", out var values)
            ? values.FirstOrDefault()
            : null;
        if (string.IsNullOrWhiteSpace(location) || !Uri.TryCreate(current, location.Trim(), out var next))
        {
            throw Refused(method, requested, location is null
                ? $"{current} answered HTTP {(int)response.StatusCode} without a Location"
                : $"{current} answered HTTP {(int)response.StatusCode} with an unusable Location '{location}'", Rules
                    .RedirectLocation);
        }

        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
        {
            throw Refused(
                method,
                requested,
                $"refused the redirect from {current} to {next}: only http and https redirects are followed",
                Rules.RedirectScheme);
        }

        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
        {
            throw Refused(
                method,
                requested,
                $"refused the redirect from {current} to {next}: https is never redirected down to http",
                Rules.RedirectDowngrade);
        }

        if (followed >= MaxRedirects)
        {
            throw Refused(
                method,
                requested,
                $"refused the redirect from {current} to {next}: more than {MaxRedirects} redirects",
                Rules.RedirectLimit);
        }

        return next;
    }

    private static RegistryException Refused(HttpMethod method, Uri requested, string why, string rule) =>
        new(rule, $"{method} {requested}: {why}");
}
