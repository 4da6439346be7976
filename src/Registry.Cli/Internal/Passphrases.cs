using System.CommandLine;
using System.Text;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Cli.Internal;

/// <summary>
/// Where the CLI gets the passphrase of encrypted keys: the variable named by
/// <c>--passphrase-env</c>, else <c>REGISTRY_KEY_PASSPHRASE</c>, else (when stdin is a
/// terminal) a prompt on stderr, asked once per run.
/// </summary>
internal static class Passphrases
{
    public const string DefaultVariable = "REGISTRY_KEY_PASSPHRASE";

    public const int MinimumLength = 8;

    public static Option<string?> CreateOption() => new("--passphrase-env")
    {
        Description = $"Environment variable holding the passphrase of encrypted keys (default: {DefaultVariable}; "
            + "else asked on a terminal)",
    };

    /// <summary>The passphrase from the environment, and where it came from; null when none is set.</summary>
    public static (string? Passphrase, string Origin) FromEnvironment(string? variable)
    {
        if (variable is { Length: > 0 })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            return string.IsNullOrEmpty(value)
                ? throw new EnvironmentException($"--passphrase-env {variable}: the variable is not set (or empty)")
                : (value, variable);
        }

        var fallback = Environment.GetEnvironmentVariable(DefaultVariable);
        return (string.IsNullOrEmpty(fallback) ? null : fallback, DefaultVariable);
    }

    /// <summary>
    /// For loading keys: the environment's passphrase, else a prompt on a terminal. New keys
    /// (init) are encrypted only with a passphrase from the environment.
    /// </summary>
    public static PassphraseSource Source(string? variable, CliContext context)
    {
        var (passphrase, origin) = FromEnvironment(variable);
        if (passphrase is not null)
        {
            return PassphraseSource.Fixed(passphrase, origin);
        }

        if (Console.IsInputRedirected)
        {
            return PassphraseSource.None;
        }

        string? prompted = null;
        return new PassphraseSource("the prompt", file => prompted ??= Prompt(context, $"passphrase for {file}: "));
    }

    /// <summary>Reads a line from the terminal without echoing it.</summary>
    public static string Prompt(CliContext context, string question)
    {
        context.Error.Write($"registry: {question}");
        context.Error.Flush();
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        context.Error.WriteLine();
        return text.ToString();
    }

    /// <summary>Refuses passphrases too short to resist guessing.</summary>
    public static string CheckStrength(string passphrase, string origin) =>
        passphrase.Length >= MinimumLength
            ? passphrase
            : throw new EnvironmentException(
                $"the passphrase from {origin} has {passphrase.Length} characters; use at least {MinimumLength}");
}
