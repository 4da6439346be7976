using System.Diagnostics.CodeAnalysis;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// The limits on descriptive metadata, whatever the format: <c>registry.json</c>'s fields and their
/// <c>.nuspec</c> counterparts go through the same checks, each refusal (metadata-invalid) naming
/// the field as the package spells it.
/// </summary>
internal static class MetadataRules
{
    public const int MaxDescription = 4096;
    public const int MaxLicense = 256;
    public const int MaxAuthor = 256;
    public const int MaxUrl = 2048;

    /// <summary>The text, or a refusal when it is longer than <paramref name="maxLength"/>.</summary>
    public static string? Text(string fileName, string field, string? text, int maxLength) =>
        text is null || text.Length <= maxLength
            ? text
            : throw Reject.Because(
                fileName,
                Rules.MetadataInvalid,
                $"{Reject.Quote(field)} is {text.Length} characters long",
                $"keep it to at most {maxLength} characters");

    /// <summary>One author: not empty or blank, at most <see cref="MaxAuthor"/> characters.</summary>
    public static string Author(string fileName, string label, string author) =>
        author.Trim().Length is 0 or > MaxAuthor
            ? throw Reject.Because(
                fileName,
                Rules.MetadataInvalid,
                $"{label} is empty or longer than {MaxAuthor} characters",
                $"give each author as a non-empty name of at most {MaxAuthor} characters")
            : author;

    /// <summary>An absolute http(s) URL of at most <see cref="MaxUrl"/> characters, or null.</summary>
    public static string? Url(string fileName, string field, string? text)
    {
        if (Text(fileName, field, text, MaxUrl) is null || IsWebUrl(text!, out _))
        {
            return text;
        }

        throw Reject.Because(
            fileName,
            Rules.MetadataInvalid,
            $"{Reject.Quote(field)} is not an absolute http or https URL: {Reject.Quote(text!)}",
            "write it as https://...");
    }

    private static bool IsWebUrl(string text, [NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Host.Length > 0;
}
