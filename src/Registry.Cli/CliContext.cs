using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Registry.Cli.Internal;

namespace Registry.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, diagnostics to <see cref="Error"/>.</summary>
public sealed class CliContext(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Verbose { get; set; }

    /// <summary>The command was given <c>--json</c>: its result, or its error, is one JSON document on
    /// <see cref="Out"/>.</summary>
    public bool Json { get; set; }

    /// <summary>Progress bars only on a real terminal; tests and CI get plain lines.</summary>
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;

    public Option<bool> VerboseOption { get; }
        = new("--verbose", "-v") { Description = "Print details and stack traces", Recursive = true };

    /// <summary>The <c>--json</c> option of a command whose output a script reads (CliApp finds it by name to print
    /// errors as JSON too).</summary>
    public static Option<bool> JsonOption(string what = "the result")
        => new(JsonOptionName) { Description = $"Print {what} as one JSON document (errors too: {{\"error\": ...}})" };

    public const string JsonOptionName = "--json";

    public Task InfoAsync(string message) => Error.WriteLineAsync($"registry: {message}");

    public Task WarnAsync(string message) => Error.WriteLineAsync($"registry: warning: {message}");

    public Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type)
        => Out.WriteLineAsync(JsonSerializer.Serialize(value, type));

    /// <summary>One error line on stderr (with <c>--verbose</c>, the exception too).</summary>
    public async Task ErrorAsync(string message, Exception? exception = null)
    {
        await Error.WriteLineAsync($"registry: error: {message}").ConfigureAwait(false);
        if (Verbose && exception is not null)
        {
            await Error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
        }
    }

    /// <summary>The command failed: the error line, and with <c>--json</c> the error document on stdout.</summary>
    public async Task<int> FailAsync(
        string message,
        string? rule,
        int exitCode,
        Exception? exception = null,
        bool writeLine = true)
    {
        if (writeLine)
        {
            await ErrorAsync(message, exception).ConfigureAwait(false);
        }

        if (Json)
        {
            await WriteJsonAsync(
                new ErrorOutput(new ErrorDetail(message, rule, exitCode)),
                CliJsonContext.Default.ErrorOutput).ConfigureAwait(false);
        }

        return exitCode;
    }
}
