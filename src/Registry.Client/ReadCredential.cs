using System.Diagnostics;
using Registry.Core;

namespace Registry.Client;

/// <summary>
/// A read token for one source, sent as <c>Authorization: Bearer</c> only to that source's own
/// origin (scheme, host and port): never to another origin, a mirror elsewhere or the target of a
/// cross-origin redirect. The token is obtained when first needed (an environment variable, a
/// credential helper, or <c>credentials.json</c>) and never appears in <see cref="ToString"/>,
/// messages or files other than credentials.json.
/// </summary>
public sealed class ReadCredential
{
    private readonly Lazy<string?> _token;

    public ReadCredential(string sourceName, Uri origin, Func<string?> token, string from)
    {
        SourceName = sourceName;
        Origin = new Uri(origin.GetLeftPart(UriPartial.Authority));
        _token = new Lazy<string?>(token, LazyThreadSafetyMode.ExecutionAndPublication);
        From = from;
    }

    /// <summary>A credential with a fixed token (e.g. <c>registry mirror --token-env</c>).</summary>
    public static ReadCredential Fixed(string sourceName, Uri origin, string token, string from)
        => new(sourceName, origin, () => token, from);

    public string SourceName { get; }

    /// <summary>The only origin the token is sent to.</summary>
    public Uri Origin { get; }

    /// <summary>Where the token comes from, for messages ("the environment variable X"); never the token.</summary>
    public string From { get; }

    /// <summary>The command that provides a token, named when the edge asks for one.</summary>
    public string LoginHint { get; init; } = "";

    /// <summary>Whether <paramref name="uri"/> is on the credential's origin (scheme, host and port all
    /// equal).</summary>
    public bool AppliesTo(Uri uri) => SameOrigin(uri, Origin);

    /// <summary>Whether two URLs share an origin: scheme, host and port all equal.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    /// <summary>The token, or null when its provider has none.</summary>
    internal string? Token => _token.Value;

    public override string ToString() => $"read token for {SourceName} ({From})";

    /// <summary>
    /// Runs a credential helper (as git and cargo do): the command line, split on spaces, with
    /// the source name and URL in REGISTRY_SOURCE and REGISTRY_SOURCE_URL; the first line of its
    /// stdout is the token. A failing helper is an error that names it, never its output.
    /// </summary>
    public static string RunHelper(string command, string sourceName, Uri url)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new EnvironmentException($"source '{sourceName}': the credential helper is empty");
        }

        var info = new ProcessStartInfo(parts[0]) {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false };
        foreach (var argument in parts.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["REGISTRY_SOURCE"] = sourceName;
        info.Environment["REGISTRY_SOURCE_URL"] = url.ToString();
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new EnvironmentException(
                $"source '{sourceName}': the credential helper '{parts[0]}' did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EnvironmentException(
                $"source '{sourceName}': the credential helper '{parts[0]}' cannot be run ({e.Message})",
                e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new EnvironmentException(
                    $"source '{sourceName}': the credential helper '{parts[0]}' took longer than 60 s");
            }

            var token = output.Split('\n', 2)[0].Trim();
            return process.ExitCode != 0
                ? throw new EnvironmentException(
                    $"source '{sourceName}': the credential helper '{parts[0]}' failed (exit {process.ExitCode})")
                : token.Length == 0
                    ? throw new EnvironmentException(
                        $"source '{sourceName}': the credential helper '{parts[0]}' printed no token")
                    : token;
        }
    }
}

/// <summary>The edge refused a request: no or a bad token (401), or a token that does not grant it (403).</summary>
public sealed class AccessDeniedException : RegistryException
{
    public AccessDeniedException(string message, int exitCode) : base(message, exitCode) { }

    public AccessDeniedException(string rule, string message, int exitCode) : base(rule, message, exitCode) { }

    public AccessDeniedException() : this("access denied", 2) { }

    public AccessDeniedException(string message) : this(message, 2) { }

    public AccessDeniedException(string message, Exception inner) : base(message, 2, inner) { }
}
