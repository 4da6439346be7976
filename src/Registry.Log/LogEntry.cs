using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Registry.Log;

/// <summary>A package whose index document a commit replaced, and the new document's SHA-256 (hex).</summary>
public sealed record LogPackage(string Name, string IndexSha256);

/// <summary>
/// The record of one registry commit (publish, yank, refresh, key change): the state it made current
/// (timestamp version, snapshot version and the snapshot file's SHA-256, root version) and the
/// packages it changed. The log's leaf entry is the record's SHA-256 (<see cref="LeafEntry"/>, 32 bytes,
/// so the entry bundles a commit rewrites stay small); the record itself is an immutable file at
/// <see cref="TilePath.Record"/> and rides in the timestamp. UTF-8 text, one field per line:
/// <code>
/// registry-log/v2
/// timestamp 12
/// snapshot 11 SHA256HEX
/// root 1
/// package NAME SHA256HEX      (zero or more, sorted by name)
/// </code>
/// </summary>
public sealed record LogEntry(
    long TimestampVersion,
    long SnapshotVersion,
    string SnapshotSha256,
    long RootVersion,
    IReadOnlyList<LogPackage> Packages)
{
    public const string Header = "registry-log/v2";

    /// <summary>The size of a leaf entry: a record's SHA-256.</summary>
    public const int LeafEntrySize = 32;

    /// <summary>The log's leaf entry for the record <paramref name="record"/>: its SHA-256.</summary>
    public static byte[] LeafEntry(ReadOnlySpan<byte> record) => SHA256.HashData(record);

    /// <summary>
    /// The record a leaf entry names, checked: the entry is 32 bytes, the record hashes to it and parses.
    /// <paramref name="read"/> fetches the record file (null: missing).
    /// </summary>
    public static async Task<LogEntry> ReadRecordAsync(
        string prefix,
        byte[] leafEntry,
        LogFileReader read,
        CancellationToken cancellationToken)
    {
        if (leafEntry.Length != LeafEntrySize)
        {
            throw new LogException(
                $"a log entry of {leafEntry.Length} bytes is not a record's SHA-256 ({LeafEntrySize} bytes)");
        }

        var key = TilePath.Record(prefix, leafEntry);
        var record = await read(key, cancellationToken).ConfigureAwait(false)
            ?? throw new LogException($"{key}: missing (the record of a log entry)");
        if (!SHA256.HashData(record).AsSpan().SequenceEqual(leafEntry))
        {
            throw new LogException($"{key}: does not hash to its log entry (tampered)");
        }

        return Parse(record);
    }

    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"timestamp {TimestampVersion}\n")
            .Append(CultureInfo.InvariantCulture, $"snapshot {SnapshotVersion} {SnapshotSha256}\n")
            .Append(CultureInfo.InvariantCulture, $"root {RootVersion}\n");
        foreach (var package in Packages.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"package {package.Name} {package.IndexSha256}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static LogEntry Parse(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new LogException("a log entry must be UTF-8");
        }

        var lines = text.Split('\n');
        if (lines.Length < 5 || lines[0] != Header || lines[^1].Length != 0)
        {
            throw new LogException(
                $"not a registry log entry (it starts with '{Header}' and has timestamp, snapshot and root lines)");
        }

        var timestamp = Field(lines[1], "timestamp", 2);
        var snapshot = Field(lines[2], "snapshot", 3);
        var root = Field(lines[3], "root", 2);
        var packages = new List<LogPackage>();
        foreach (var line in lines[4..^1])
        {
            var fields = Field(line, "package", 3);
            packages.Add(new LogPackage(fields[1], Hex(fields[2])));
        }

        return new LogEntry(Number(timestamp[1]), Number(snapshot[1]), Hex(snapshot[2]), Number(root[1]), packages);
    }

    private static string[] Field(string line, string name, int count)
    {
        var fields = line.Split(' ');
        return fields.Length == count && fields[0] == name
            ? fields
            : throw new LogException($"log entry line '{line}' is not '{name} ...' with {count - 1} value(s)");
    }

    private static long Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new LogException($"'{text}' in a log entry is not a number");

    private static string Hex(string text) =>
        text.Length == 64 && text.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))
            ? text
            : throw new LogException($"'{text}' in a log entry is not a lowercase SHA-256");
}
