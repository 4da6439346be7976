using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Registry.Testing;

/// <summary>NuGet packages that break one rule each, for the tests that prove the rule holds. All are
/// <c>Evil.1.0.0.nupkg</c>.</summary>
public static class MaliciousNupkgs
{
    public const string FileName = "Evil.1.0.0.nupkg";

    private const int Symlink = 0xA000 | 0x1FF;
    private const int Fifo = 0x1000 | 0x1A4;

    public static NupkgBuilder Valid() => NupkgBuilder.Create("Evil", "1.0.0").WithFile("lib/net8.0/Evil.dll", "MZ");

    public static byte[] ParentPathEntry(string name = "../evil") => Valid().WithFile(name, [1, 2, 3]).Build();

    public static byte[] SymlinkEntry(string name = "lib/passwd", string target = "/etc/passwd")
        => Valid().WithFile(name, target, Symlink).Build();

    public static byte[] FifoEntry() => Valid().WithFile("lib/pipe", [], Fifo).Build();

    public static byte[] TwoNuspecs() => Valid().WithFile("Other.nuspec", Valid().NuspecXml()).Build();

    public static byte[] NuspecNotAtRoot() => Valid().WithNuspecPath("content/Evil.nuspec").Build();

    /// <summary>A .nuspec that would read /etc/passwd into its description through an external entity.</summary>
    public static byte[] ExternalEntityNuspec() => Valid().WithNuspec(
        """<?xml version="1.0"?><!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"""
        + """<package><metadata><id>Evil</id><version>1.0.0</version><description>&xxe;</description>"""
        + """</metadata></package>""").Build();

    /// <summary>A .nuspec with nested entities that expand to gigabytes ("billion laughs").</summary>
    public static byte[] EntityExpansionNuspec()
    {
        var dtd = new StringBuilder("<!ENTITY l0 \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            dtd.Append($"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">");
        }

        return Valid().WithNuspec("<?xml version=\"1.0\"?><!DOCTYPE package "
            + $"[{dtd}]><package><metadata><id>Evil</id><version>1.0.0</version><description>&l9;</description>"
            + "</metadata></package>").Build();
    }

    /// <summary>A package with one entry of <paramref name="unpackedBytes"/> zeros, its header telling the truth;
    /// streamed, never held unpacked.</summary>
    public static byte[] ZipBomb(long unpackedBytes)
        => Valid().WithEntry("lib/bomb.bin", () => new ZeroStream(unpackedBytes)).Build();

    /// <summary>A bomb whose headers claim the entry unpacks to <paramref name="claimedBytes"/>.</summary>
    public static byte[] LyingZipBomb(long unpackedBytes, uint claimedBytes) =>
        Patch(
            ZipBomb(unpackedBytes),
            "lib/bomb.bin",
            (header, central) => BinaryPrimitives.WriteUInt32LittleEndian(header[(central ? 24 : 22)..], claimedBytes));

    /// <summary>A package with <paramref name="files"/> tiny files besides its .nuspec.</summary>
    public static byte[] ManyEntries(int files)
    {
        var builder = Valid();
        for (var i = 0; i < files; i++)
        {
            builder.WithFile($"content/{i}.txt", "x");
        }

        return builder.Build();
    }

    /// <summary>As <see cref="ManyEntries"/>, with an end record that declares a single entry.</summary>
    public static byte[] ManyEntriesDeclaredAsOne(int files)
    {
        var zip = ManyEntries(files);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(zip.Length - 22 + 8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(zip.Length - 22 + 10), 1);
        return zip;
    }

    /// <summary>A package whose library is marked encrypted (general purpose flag bit 0).</summary>
    public static byte[] EncryptedEntry() =>
        Patch(Valid().Build(), "lib/net8.0/Evil.dll", (header, central) => header[central ? 8 : 6] |= 1);

    /// <summary>A package whose library's stored CRC-32 does not match its bytes.</summary>
    public static byte[] WrongCrc() =>
        Patch(Valid().Build(), "lib/net8.0/Evil.dll", (header, central) => header[central ? 16 : 14] ^= 0xff);

    /// <summary>
    /// Edits the local and central headers of the entry named <paramref name="name"/>; the action gets
    /// each header from its signature on, and whether it is the central one.
    /// </summary>
    public static byte[] Patch(byte[] zip, string name, SpanAction<byte, bool> edit)
    {
        var copy = (byte[])zip.Clone();
        var bytes = Encoding.UTF8.GetBytes(name);
        for (var at = 0; at + 46 + bytes.Length <= copy.Length; at++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at));
            if (signature == 0x02014b50 && copy.AsSpan(at + 46, bytes.Length).SequenceEqual(bytes))
            {
                edit(copy.AsSpan(at), true);
            }
            else if (signature == 0x04034b50 && copy.AsSpan(at + 30, bytes.Length).SequenceEqual(bytes))
            {
                edit(copy.AsSpan(at), false);
            }
        }

        return copy;
    }
}
