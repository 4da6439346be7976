namespace Registry.Core.Tuf;

/// <summary>
/// The version of the registry layout on top of TUF: which targets exist and what they mean.
/// It is written into the signed root and top-level targets (an extension field that TUF
/// clients keep and sign over unchanged), and every reader refuses a layout it does not know
/// with a message that says so, instead of failing later on a missing target.
/// Format 2: the per-package index document is a package's only target; artifacts are pinned
/// by their index entry (see docs/protocol.md).
/// </summary>
public static class RegistryFormat
{
    public const string FieldName = "x-registry-format";

    public const int Current = 2;

    /// <summary>Refuses metadata of another layout version.</summary>
    public static void Check(int? format, string source)
    {
        if (format == Current)
        {
            return;
        }

        var what = format is null
            ? $"has no '{FieldName}' field (format 1, the layout before protocol v2)"
            : $"declares registry format {format}";
        throw new VerificationException(
            $"{source}: {what}; this registry tool reads format {Current} only. " +
            (format > Current
                ? "Upgrade the registry tool."
                : "Re-create the registry with 'registry init' and publish its packages again."));
    }
}
