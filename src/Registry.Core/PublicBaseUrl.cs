namespace Registry.Core;

/// <summary>
/// The public base URL a registry is served at (the derived views need absolute URLs: NuGet's
/// service index, the web site's links): one rule, for the settings, the writer and the mirror.
/// </summary>
public static class PublicBaseUrl
{
    /// <summary>
    /// The URL in its one spelling: http or https, absolute, no user info, query or fragment,
    /// ending in '/'. Anything else is refused naming <paramref name="option"/> and the rule.
    /// </summary>
    public static string Normalize(string url, string option = "--nuget-url")
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            throw new EnvironmentException(Rules.NuGetUrl, $"{option} '{url}': not a public base URL; give the http(s) "
                + "address the registry is served at, e.g. https://cdn.example/registry/");
        }

        var text = uri.AbsoluteUri;
        return text.EndsWith('/') ? text : text + "/";
    }
}
