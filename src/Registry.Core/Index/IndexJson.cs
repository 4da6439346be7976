using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Core.Index;

/// <summary>
/// Reads and writes index documents. Output is compact and deterministic (declaration order,
/// no indentation, non-ASCII kept as UTF-8, control characters escaped), so the same index
/// state always has the same bytes and therefore the same content-addressed file name.
/// </summary>
public static class IndexJson
{
    private static readonly IndexJsonContext Context = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    });

    public static byte[] Serialize(PackageIndex index)
        => JsonSerializer.SerializeToUtf8Bytes(index, Context.PackageIndex);

    /// <summary>Parses an index document read from <paramref name="targetPath"/> and checks it with
    /// <see cref="IndexRules"/>.</summary>
    public static PackageIndex ParseIndex(ReadOnlySpan<byte> bytes, string targetPath)
    {
        var index = Parse(bytes, Context.PackageIndex, targetPath);
        IndexRules.Validate(index, targetPath);
        return index;
    }

    private static T Parse<T>(
        ReadOnlySpan<byte> bytes,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        string source)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, info)
                ?? throw new VerificationException($"{source}: empty document");
        }
        catch (JsonException e)
        {
            throw new VerificationException($"{source}: malformed document ({JsonProblem.Describe(e)})", e);
        }
    }
}

[JsonSerializable(typeof(PackageIndex))]
internal sealed partial class IndexJsonContext : JsonSerializerContext
{
}
