namespace Registry.Core.Packages.Internal;

/// <summary>Builds the one-line refusal every rule uses: <c>file: what is wrong; what to do [rule: x]</c>.</summary>
internal static class Reject
{
    public static ValidationException Because(string fileName, string rule, string problem, string fix) =>
        new(rule, $"{fileName}: {problem}; {fix}");

    /// <summary>A name from an archive or manifest, quoted and with control characters made visible.</summary>
    public static string Quote(string value)
    {
        var shown = value.Length > 200 ? value[..200] + "..." : value;
        var builder = new System.Text.StringBuilder(shown.Length + 2).Append('\'');
        foreach (var c in shown)
        {
            _ = char.IsControl(c) ? builder.Append($"\\u{(int)c:X4}") : builder.Append(c);
        }

        return builder.Append('\'').ToString();
    }
}
