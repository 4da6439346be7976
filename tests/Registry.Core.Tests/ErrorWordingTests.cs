using System.Text.Json;

namespace Registry.Core.Tests;

/// <summary>The rule of a failure and the wording of a JSON problem, as <c>--json</c> and error lines show
/// them.</summary>
public sealed class ErrorWordingTests
{
    [Theory]
    [InlineData("the proposed root has 0 of 1 signatures; collect them [rule: root-threshold]", "root-threshold")]
    [InlineData("no keys folder given: pass --keys DIR", null)]
    [InlineData("a [rule: inside] the message, not at its end", null)]
    public void A_failure_carries_the_rule_its_message_ends_with(string message, string? rule)
    {
        Assert.Equal(rule, new RegistryException(message).Rule);
        Assert.Equal(rule, new VerificationException(message).Rule);
    }

    [Fact]
    public void A_validation_failure_carries_its_rule()
    {
        var e = new ValidationException("name-invalid", "bad name");
        Assert.Equal("name-invalid", e.Rule);
        Assert.Equal("name-invalid", ((RegistryException)e).Rule);
    }

    [Theory]
    [InlineData("{\"a\": }", "line 1, column 7, at $.a: '}' is an invalid start of a value")]
    [InlineData("{\"a\": 1", "line 1, column 8, at $.a: ")]
    [InlineData("{\"bins\": \"many\"}", "line 1, column 16, at $.bins: a number was expected, not a string")]
    public void A_json_problem_is_worded_with_the_position_and_no_dotnet_text(string json, string expected)
    {
        var e = Assert.ThrowsAny<JsonException>(
            () => JsonSerializer.Deserialize(json, ErrorWordingJsonContext.Default.Settings));
        var text = JsonProblem.Describe(e);
        Assert.True(text.StartsWith(expected, StringComparison.Ordinal), $"{text} (from: {e.Message})");
        Assert.DoesNotContain("LineNumber", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "line 1, column 9: a trailing comma before '}', which JSON does not allow")]
    [InlineData("[1,]", "line 1, column 4: a trailing comma before ']', which JSON does not allow")]
    [InlineData("{\"a\": 1 // note\n}", "line 1, column 9: '/' is not allowed here (JSON has no comments)")]
    [InlineData("", "line 1, column 1: no JSON value (the file is empty or only whitespace)")]
    [InlineData("{\"a\": [1]", "line 1, column 10: the document ends before every object or array is closed")]
    public void A_json_problem_never_speaks_of_the_reader_options(string json, string expected)
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(json).Dispose());
        var text = JsonProblem.Describe(e);
        Assert.Equal(expected, text);
        Assert.DoesNotContain("reader options", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("isFinalBlock", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_nested_past_the_depth_limit_is_worded_as_nesting()
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(
            new string('[', 70) + new string(']', 70),
            new JsonDocumentOptions { MaxDepth = 32 }).Dispose());
        Assert.Equal("line 1, column 33: objects and arrays nested more than 32 deep", JsonProblem.Describe(e));
    }
}

internal sealed class Settings
{
    public int Bins { get; init; }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Settings))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ErrorWordingJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
