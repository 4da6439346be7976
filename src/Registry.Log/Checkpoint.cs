using System.Globalization;
using System.Text;

namespace Registry.Log;

/// <summary>
/// A C2SP tlog-checkpoint body: origin, tree size, base64 root hash, each on its own line, then
/// optional extension lines. The text a log signs (as a signed note) and witnesses cosign.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root)
{
    public IReadOnlyList<string> Extensions { get; init; } = [];

    public string Text
    {
        get
        {
            var text = new StringBuilder();
            text.Append(Origin).Append('\n')
                .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(Convert.ToBase64String(Root)).Append('\n');
            foreach (var line in Extensions)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }

    public string RootBase64 => Convert.ToBase64String(Root);

    /// <summary>Parses a checkpoint body (the note text), refusing one that breaks the format.</summary>
    public static Checkpoint Parse(string text)
    {
        if (!text.EndsWith('\n'))
        {
            throw new LogException("a checkpoint must end with a newline");
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines.Any(l => l.Length == 0))
        {
            throw new LogException("a checkpoint has at least three lines (origin, size, root hash) and no empty line");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || (lines[1].Length > 1 && lines[1][0] == '0'))
        {
            throw new LogException($"checkpoint size '{lines[1]}' is not a decimal without leading zeroes");
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            throw new LogException($"checkpoint root hash '{lines[2]}' is not base64");
        }

        if (root.Length != Merkle.HashSize)
        {
            throw new LogException($"checkpoint root hash has {root.Length} bytes, SHA-256 has {Merkle.HashSize}");
        }

        return new Checkpoint(lines[0], size, root) { Extensions = lines[3..] };
    }
}
