using System.Diagnostics.CodeAnalysis;

namespace Registry.Core.Packages;

/// <summary>
/// The package name rule: 1 to 64 characters of lowercase ASCII letters, digits, <c>-</c>,
/// <c>_</c> and <c>.</c>, starting and ending with a letter or digit. Two names collide when
/// they are equal after <see cref="Normalize"/> (runs of <c>-</c>, <c>_</c>, <c>.</c> are one
/// <c>-</c>, as PEP 503 does): the second is refused, against typosquatting.
/// </summary>
public static class PackageName
{
    public const int MaxLength = 64;
    public const string Rule = "1-64 characters of a-z, 0-9, '-', '_', '.', starting and ending with a letter or digit";

    public static bool IsValid([NotNullWhen(true)] string? name) => Problem(name) is null;

    /// <summary>Why a name breaks the rule, or null when it does not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"is {name.Length} characters long (at most {MaxLength})";
        }

        foreach (var c in name)
        {
            if (!IsAllowed(c))
            {
                return c is >= 'A' and <= 'Z'
                    ? $"contains the uppercase letter '{c}' (names are lowercase)"
                    : $"contains '{Printable(c)}'";
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return "does not start and end with a letter or digit";
        }

        return null;
    }

    /// <summary>
    /// A name as a user typed it on a command line: names are lowercase, but NuGet users spell ids
    /// in any case (<c>My.Lib</c>), so a name that is valid once lowercased is taken lowercased.
    /// </summary>
    public static string FromUserInput(string name) =>
        Problem(name) is not null && IsValid(name.ToLowerInvariant()) ? name.ToLowerInvariant() : name;

    /// <summary>The form two names are compared in: runs of '-', '_' and '.' become one '-'.</summary>
    public static string Normalize(string name) => NameKey.Normalize(name);

    private static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';

    private static string Printable(char c) => char.IsControl(c) || c > '~' ? $"\\u{(int)c:X4}" : c.ToString();
}
