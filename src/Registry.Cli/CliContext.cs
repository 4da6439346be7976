using System.CommandLine;

namespace Registry.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, diagnostics to <see cref="Error"/>.</summary>
public sealed class CliContext(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public bool Verbose { get; set; }

    public Option<bool> VerboseOption { get; } = new("--verbose", "-v") { Description = "Print details and stack traces", Recursive = true };

    public Task InfoAsync(string message) => Error.WriteLineAsync($"registry: {message}");

    public Task WarnAsync(string message) => Error.WriteLineAsync($"registry: warning: {message}");

    public async Task ErrorAsync(string message, Exception? exception = null)
    {
        await Error.WriteLineAsync($"registry: error: {message}").ConfigureAwait(false);
        if (Verbose && exception is not null)
        {
            await Error.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
        }
    }
}
