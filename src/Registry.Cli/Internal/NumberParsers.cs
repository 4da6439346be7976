using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Registry.Cli.Internal;

/// <summary>
/// Every numeric option of every command parses with a message a user can act on:
/// <c>option '--bins': 'abc' is not a whole number</c>, <c>option '--port': '99999999999' is
/// out of range (-2147483648 to 2147483647)</c>, instead of System.CommandLine's
/// <c>Cannot parse argument 'abc' for option '--bins' as expected type 'System.Int32'</c>.
/// </summary>
internal static class NumberParsers
{
    public static void UseReadableMessages(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> o: o.CustomParser = r => Parse<int>(r, o.Name); break;
                case Option<long> o: o.CustomParser = r => Parse<long>(r, o.Name); break;
                case Option<double> o: o.CustomParser = r => Parse<double>(r, o.Name); break;
                case Option<int?> o: o.CustomParser = r => Parse<int>(r, o.Name); break;
                case Option<long?> o: o.CustomParser = r => Parse<long>(r, o.Name); break;
                case Option<double?> o: o.CustomParser = r => Parse<double>(r, o.Name); break;
                default: break;
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            UseReadableMessages(subcommand);
        }
    }

    private static T Parse<T>(ArgumentResult result, string option)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
        var whole = typeof(T) != typeof(double);
        if (T.TryParse(text, whole ? NumberStyles.Integer : NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError(whole && BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? string.Create(CultureInfo.InvariantCulture, $"option '{option}': '{text}' is out of range ({T.MinValue} to {T.MaxValue})")
            : $"option '{option}': '{text}' is not {(whole ? "a whole number" : "a number")}");
        return default;
    }
}
