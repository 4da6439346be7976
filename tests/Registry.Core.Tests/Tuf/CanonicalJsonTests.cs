using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Registry.Core.Tuf;

namespace Registry.Core.Tests.Tuf;

public sealed class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(CanonicalJson.Serialize(document.RootElement));
    }

    [Fact]
    public void Sorts_keys_and_drops_whitespace() =>
        Assert.Equal(
            "{\"a\":[1,true,null],\"b\":{\"x\":\"y\",\"y\":-2}}",
            Canonical("{ \"b\": {\"y\": -2, \"x\": \"y\"},\n \"a\": [1, true, null] }"));

    [Fact]
    public void Escapes_only_backslash_and_quote() =>
        Assert.Equal("[\"a\\\\b\\\"c\",\"é/\"]", Canonical("[\"a\\\\b\\\"c\", \"\\u00e9\\/\"]"));

    [Fact]
    public void Refuses_floats() =>
        Assert.Throws<FormatException>(() => Canonical("{\"a\":1.5}"));

    [Fact]
    public void Refuses_duplicate_keys() =>
        Assert.Throws<FormatException>(() => Canonical("{\"a\":1,\"a\":2}"));

    [Fact]
    public void Keeps_control_characters_raw_for_signing_and_escapes_them_for_files()
    {
        using var document = JsonDocument.Parse("[\"-----BEGIN\\nKEY\\u0001\"]");
        Assert.Equal(
            "[\"-----BEGIN\nKEY\u0001\"]",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(document.RootElement)));
        var file = CanonicalJson.SerializeForFile(document.RootElement);
        Assert.Equal("[\"-----BEGIN\\nKEY\\u0001\"]", Encoding.UTF8.GetString(file));
        using var back = JsonDocument.Parse(file);
        Assert.Equal(CanonicalJson.Serialize(document.RootElement), CanonicalJson.Serialize(back.RootElement));
    }

    [Fact]
    public void The_file_form_parses_back_to_the_same_canonical_bytes_for_any_string_map()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<Dictionary<string, int>>(),
            map =>
            {
                using var original = JsonDocument.Parse(JsonSerializer.Serialize(map));
                var file = CanonicalJson.SerializeForFile(original.RootElement);
                using var reparsed = JsonDocument.Parse(file);
                var back = JsonSerializer.Deserialize<Dictionary<string, int>>(file)!;
                return CanonicalJson.Serialize(original.RootElement).AsSpan()
                    .SequenceEqual(CanonicalJson.Serialize(reparsed.RootElement))
                    && file.AsSpan().SequenceEqual(CanonicalJson.SerializeForFile(reparsed.RootElement))
                    && back.Count == map.Count && map.All(p => back[p.Key] == p.Value);
            }).QuickCheckThrowOnFailure();
    }
}
