using System.Text;

namespace Registry.Log;

/// <summary>One signature line of a note: <c>— NAME base64(keyID || signature)</c>.</summary>
public sealed record NoteSignature(string Name, uint KeyId, byte[] Signature)
{
    public string Line => "\u2014 " + Name + " " + Convert.ToBase64String([.. KeyIdBytes(KeyId), .. Signature]) + "\n";

    internal static byte[] KeyIdBytes(uint id) => [(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id];
}

/// <summary>
/// A C2SP signed note: text ending in a newline, a blank line, and one or more signature lines.
/// Parsing checks the format only; <see cref="NoteVerifier"/> checks signatures.
/// </summary>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    public const int MaxSignatures = 64;

    public string Format() => Text + "\n" + string.Concat(Signatures.Select(s => s.Line));

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Format());

    public SignedNote WithSignatures(IEnumerable<NoteSignature> more)
    {
        var all = Signatures.ToList();
        foreach (var signature in more)
        {
            if (!all.Any(s => s.Name == signature.Name && s.KeyId == signature.KeyId))
            {
                all.Add(signature);
            }
        }

        return this with { Signatures = all };
    }

    public static SignedNote Parse(ReadOnlySpan<byte> bytes)
    {
        string note;
        try
        {
            note = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new LogException("a signed note must be UTF-8");
        }

        if (note.Any(c => c < 0x20 && c != '\n'))
        {
            throw new LogException("a signed note must not contain control characters other than newline");
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            throw new LogException("a signed note is text, a blank line and signature lines, each ending in a newline");
        }

        var text = note[..(split + 1)];
        var signatures = ParseSignatureLines(note[(split + 2)..]);
        if (signatures.Count == 0)
        {
            throw new LogException("a signed note has no signature line");
        }

        return new SignedNote(text, signatures);
    }

    /// <summary>Signature lines alone (a witness's answer to add-checkpoint).</summary>
    public static List<NoteSignature> ParseSignatureLines(string lines)
    {
        var signatures = new List<NoteSignature>();
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014" || parts[1].Length == 0
                || parts[1].Contains('+', StringComparison.Ordinal))
            {
                throw new LogException($"'{line}' is not a note signature line ('— NAME BASE64')");
            }

            byte[] raw;
            try
            {
                raw = Convert.FromBase64String(parts[2]);
            }
            catch (FormatException)
            {
                throw new LogException($"signature of '{parts[1]}' is not base64");
            }

            if (raw.Length < 5)
            {
                throw new LogException($"signature of '{parts[1]}' is too short");
            }

            var keyId = (uint)((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]);
            signatures.Add(new NoteSignature(parts[1], keyId, raw[4..]));
            if (signatures.Count > MaxSignatures)
            {
                throw new LogException($"a signed note with more than {MaxSignatures} signatures");
            }
        }

        return signatures;
    }
}
