namespace Registry.Serve;

/// <summary>
/// The headers the web site needs from whatever serves it (this server, Varnish, nginx, CloudFront:
/// docs/deploy.md). Package READMEs and descriptions are hostile input; the pages escape them, and
/// the policy is the second wall: no inline script, no script from anywhere but the site itself,
/// no plugins, no framing, forms only to the site.
/// </summary>
public static class SiteHeaders
{
    /// <summary>The page a directory URL (<c>/</c>, <c>/packages/NAME/</c>) serves.</summary>
    public const string DirectoryIndex = "index.html";

    /// <summary>Sent with every HTML page.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
}
