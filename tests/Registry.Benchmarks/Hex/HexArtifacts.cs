using System.IO.Compression;
using System.Text;
using Registry.Testing;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// The bytes of a generated package: a gzip tar (<see cref="PackageBuilder"/>) with
/// <c>registry.json</c>, a README and a few Elixir-like source files whose text compresses
/// as source does (about 4:1), sized so the archive lands near the version's aimed size.
/// Deterministic: the same package and version give the same bytes.
/// </summary>
internal static class HexArtifacts
{
    private static readonly string[] Words =
    [
        "the", "a", "of", "to", "and", "is", "in", "for", "returns", "given", "list", "map", "struct", "value", "key",
        "error", "ok", "request", "response", "conn", "socket", "query", "schema", "changeset", "params", "opts",
        "state", "pid", "timeout", "config", "when", "with", "each", "every", "new", "default", "option", "field",
        "user", "data", "stream", "file", "path", "string", "binary", "integer", "atom", "tuple", "function", "module",
        "process", "message", "event", "handler", "server", "client",
    ];

    /// <summary>Compressed bytes of what is not source text: tar headers, manifest, README (measured,
    /// roughly).</summary>
    private const int Overhead = 1000;

    private static readonly Lazy<double> Ratio = new(Calibrate);

    /// <summary>How much the generated source text shrinks under gzip (real source: about 4-6).</summary>
    public static double CompressionRatio => Ratio.Value;

    public static byte[] Build(HexShape shape, HexPackage package, HexVersion version, int seed)
    {
        var random = new Random(Seed(seed, package.Name, version.Version.ToNormalizedString()));
        var builder = PackageBuilder.Create(package.Name, version.Version.ToNormalizedString())
            .WithField("description", $"{package.Name}: {Sentence(random, 8)}")
            .WithField("license", random.NextDouble() < 0.7 ? "MIT" : "Apache-2.0");
        foreach (var dependency in version.Dependencies)
        {
            builder.DependsOn(shape.Packages[dependency.Package].Name, dependency.Range);
        }

        var module = Module(package.Name);
        var raw = (int)Math.Max(1000, (version.ArtifactBytes - Overhead) * Ratio.Value);
        var files = 1 + Math.Min(6, raw / 12_000);
        builder.WithFile("README.md", $"# {package.Name}\n\n{Sentence(random, 40)}\n");
        for (var f = 0; f < files; f++)
        {
            builder.WithFile($"lib/{package.Name}/part{f}.ex", Source(random, $"{module}.Part{f}", raw / files));
        }

        return builder.Build();
    }

    /// <summary>Elixir-looking text of about <paramref name="length"/> characters.</summary>
    public static string Source(Random random, string module, int length)
    {
        var text = new StringBuilder(length + 256);
        text.Append("defmodule ").Append(module).Append(" do\n  @moduledoc \"\"\"\n  ").Append(Sentence(random, 20))
            .Append("\n  \"\"\"\n\n");
        var names = Enumerable.Range(0, 12).Select(_ => Identifier(random)).ToArray();
        while (text.Length < length)
        {
            var name = names[random.Next(names.Length)] + "_" + Identifier(random);
            var (a, b) = (Identifier(random), Words[random.Next(Words.Length)]);
            text.Append("  @doc \"").Append(Sentence(random, 6 + random.Next(10))).Append("\"\n");
            text.Append("  def ").Append(name).Append('(').Append(a).Append(", ").Append(b).Append(") do\n");
            switch (random.Next(3))
            {
                case 0:
                    text.Append("    ").Append(a).Append("\n    |> Enum.map(fn x -> x + ").Append(random.Next(100))
                        .Append(" end)\n    |> ")
                        .Append(module)
                        .Append('.')
                        .Append(names[random.Next(names
                            .Length)])
                        .Append('(')
                        .Append(b)
                        .Append(")\n");
                    break;
                case 1:
                    text.Append("    case ").Append(a).Append(" do\n      {:ok, ").Append(b)
                        .Append("} -> {:ok, Map.put(")
                        .Append(b)
                        .Append(", :")
                        .Append(Words[random.Next(Words.Length)])
                        .Append(", ")
                        .Append(random
                            .Next(1000))
                        .Append(")}\n      {:error, reason} -> {:error, reason}\n    end\n");
                    break;
                default:
                    text.Append("    with {:ok, ").Append(a).Append("} <- fetch_")
                        .Append(Words[random.Next(Words.Length)])
                        .Append('(')
                        .Append(b)
                        .Append("),\n         :ok <- validate(")
                        .Append(a)
                        .Append(") do\n      ")
                        .Append(a)
                        .Append(
                            "\n    end\n");
                    break;
            }

            text.Append("  end\n\n");
        }

        return text.Append("end\n").ToString();
    }

    internal static string Sentence(Random random, int words) =>
        string.Join(
            ' ',
            Enumerable.Range(0, words).Select(_ => Words[(int)(Words.Length * Math.Pow(random.NextDouble(), 2))]));

    private static string Identifier(Random random) =>
        string.Concat(Enumerable.Range(0, 2 + random.Next(2)).Select(_ => Words[random.Next(Words.Length)])
            .Select(w => w[..Math.Min(4, w.Length)]));

    private static string Module(string name) =>
        string.Concat(name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>Characters of <see cref="Source"/> per gzip byte, measured once on a fixed sample.</summary>
    private static double Calibrate()
    {
        var sample = Encoding.UTF8.GetBytes(Source(new Random(42), "Calibration.Sample", 256 * 1024));
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(sample);
        }

        return (double)sample.Length / output.Length;
    }

    /// <summary>A seed from text that does not change between processes (string.GetHashCode does).</summary>
    public static int Seed(int seed, params string[] parts)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in string.Join('\0', parts))
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }
}
