using System.Globalization;
using System.Text.Json;

namespace Registry.Core;

/// <summary>
/// What is wrong with a JSON document, in words a user can act on: where (line, column, the
/// JSON path) and what, without the .NET texts of <see cref="JsonException.Message"/>
/// (<c>LineNumber: 0 | BytePositionInLine: 5</c>, <c>System.Int32</c>). Every reader of a
/// document a user may edit (registry.json, the lock file, the configuration files) words its
/// error with this.
/// </summary>
public static class JsonProblem
{
    /// <summary>For example <c>line 1, column 6: 'x' is an invalid start of a value</c> or <c>at $.bins: a number was
    /// expected</c>.</summary>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = new List<string>();
        if (exception.LineNumber is { } line)
        {
            where.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"line {line + 1}, column {(exception.BytePositionInLine ?? 0) + 1}"));
        }

        if (exception.Path is { Length: > 1 } path)
        {
            where.Add("at " + path);
        }

        var what = Mismatch(exception.InnerException) ?? What(exception.Message);
        return where.Count == 0 ? what : $"{string.Join(", ", where)}: {what}";
    }

    /// <summary>The reader's "Cannot get the value of a token type 'String' as a number." as "a number was expected,
    /// not a string".</summary>
    private static string? Mismatch(Exception? inner)
    {
        const string Prefix = "Cannot get the value of a token type '";
        if (inner is not InvalidOperationException || !inner.Message.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = inner.Message[Prefix.Length..];
        var quote = rest.IndexOf('\'', StringComparison.Ordinal);
        var asA = rest.IndexOf(" as a ", StringComparison.Ordinal);
        if (quote < 0 || asA < 0)
        {
            return null;
        }

        var found = rest[..quote] switch
        {
            "String" => "a string",
            "Number" => "a number",
            "True" or "False" => "true or false",
            "Null" => "null",
            "StartObject" => "an object",
            "StartArray" => "an array",
            var other => other,
        };
        var expected = rest[(asA + " as a ".Length)..].TrimEnd('.') switch
        {
            "boolean" => "true or false",
            var type => "a " + type,
        };
        return $"{expected} was expected, not {found}";
    }

    private static string What(string message)
    {
        // The reader's own texts ("'x' is an invalid start of a value.") are fine once the
        // position suffix is cut; the serializer's type errors name .NET types instead.
        foreach (var suffix in new[] { " Path: ", " LineNumber: " })
        {
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }

        message = message.Trim().TrimEnd('.');
        if (Reworded(message) is { } reworded)
        {
            return reworded;
        }

        const string Converted = "could not be converted to ";
        var type = message.IndexOf(Converted, StringComparison.Ordinal);
        if (type >= 0)
        {
            return message[(type + Converted.Length)..].Trim() switch
            {
                var t when t.Contains("Dictionary", StringComparison.Ordinal) => "an object was expected",
                var t when t.Contains("List", StringComparison.Ordinal)
                    || t.Contains("[]", StringComparison.Ordinal) => "an array was expected",
                var t when t.Contains("Int", StringComparison.Ordinal) || t.Contains("Double", StringComparison.Ordinal)
                    || t.Contains("Decimal", StringComparison.Ordinal) => "a number was expected",
                var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false was expected",
                var t when t.Contains("String", StringComparison.Ordinal)
                    || t.Contains("Uri", StringComparison.Ordinal) => "a string was expected",
                _ => "the value has the wrong type",
            };
        }

        return message.Length == 0 ? "malformed JSON" : message;
    }

    /// <summary>
    /// The reader's texts that speak of its own settings ("Change the reader options", "isFinalBlock",
    /// "configured depth") in the words of the JSON the user wrote.
    /// </summary>
    private static string? Reworded(string message)
    {
        if (message.Contains("trailing comma", StringComparison.Ordinal))
        {
            return "a trailing comma before "
                + $"{(message.Contains("JSON array", StringComparison.Ordinal) ? "']'" : "'}'")}, which JSON does not "
                + "allow";
        }

        if (message.StartsWith("'/' is", StringComparison.Ordinal))
        {
            return "'/' is not allowed here (JSON has no comments)";
        }

        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "no JSON value (the file is empty or only whitespace)";
        }

        if (message.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
        {
            return "the document ends before every object or array is closed";
        }

        const string Depth = "The maximum configured depth of ";
        if (message.StartsWith(Depth, StringComparison.Ordinal))
        {
            var rest = message[Depth.Length..];
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            return $"objects and arrays nested more than {(end < 0 ? rest : rest[..end])} deep";
        }

        // Any other text that names the reader's options: what is left before it still says what is wrong.
        var options = message.IndexOf(" which is not supported in this mode", StringComparison.Ordinal);
        options = options >= 0 ? options : message.IndexOf(". Change the reader options", StringComparison.Ordinal);
        return options > 0 ? message[..options] : null;
    }
}
