using System.Formats.Tar;

namespace Registry.Testing;

/// <summary>Archives that break one rule each, for the tests that prove the rule holds.</summary>
public static class MaliciousPackages
{
    public static byte[] SymlinkOutOfRoot(string linkName = "lib/evil", string target = "../../etc/passwd") =>
        Valid().WithEntry(PackageBuilder.Entry(TarEntryType.SymbolicLink, linkName, linkName: target)).Build();

    public static byte[] HardLinkOutOfRoot(string target = "../outside") =>
        Valid().WithEntry(PackageBuilder.Entry(TarEntryType.HardLink, "lib/evil", linkName: target)).Build();

    public static byte[] ParentPathEntry(string name = "../evil") =>
        Valid().WithEntry(PackageBuilder.File(name, [1, 2, 3])).Build();

    public static byte[] AbsolutePathEntry(string name = "/etc/evil") =>
        Valid().WithEntry(PackageBuilder.File(name, [1, 2, 3])).Build();

    public static byte[] CharacterDeviceEntry(string name = "dev/tty") =>
        Valid().WithEntry(PackageBuilder.Entry(TarEntryType.CharacterDevice, name)).Build();

    public static byte[] ManifestMissing()
        => Valid().WithoutManifest().WithFile("README.md", "no manifest here").Build();

    /// <summary>A valid package cut in half, so the gzip stream ends early.</summary>
    public static byte[] TruncatedGzip()
    {
        var whole = Valid().WithFile("lib/data.bin", Noise(64 * 1024)).Build();
        return whole[..(whole.Length / 2)];
    }

    /// <summary>
    /// A package with one file of <paramref name="unpackedBytes"/> zeros: a few hundred KiB on disk
    /// per hundred MiB unpacked. Generated streaming, never held unpacked in memory.
    /// </summary>
    public static byte[] GzipBomb(long unpackedBytes, string name = "lib/bomb.bin")
    {
        var manifest = System.Text.Encoding.UTF8.GetBytes(Valid().ManifestJson());
        return PackageBuilder.Archive([
            PackageBuilder.File("registry.json", manifest),
            PackageBuilder.Entry(TarEntryType.RegularFile, name, new ZeroStream(unpackedBytes)),
        ]);
    }

    private static PackageBuilder Valid() => PackageBuilder.Create("evil", "1.0.0");

    /// <summary>Deterministic incompressible bytes.</summary>
    public static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
