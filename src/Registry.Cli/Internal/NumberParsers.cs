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
                case Option<int> o: o.CustomParser ??= r => Parse(r, o.Name, int.MinValue, int.MaxValue); break;
                case Option<long> o: o.CustomParser ??= r => Parse(r, o.Name, long.MinValue, long.MaxValue); break;
                case Option<double> o: o.CustomParser
                    ??= r => Parse(r, o.Name, double.MinValue, double.MaxValue); break;
                case Option<int?> o: o.CustomParser ??= r => Parse(r, o.Name, int.MinValue, int.MaxValue); break;
                case Option<long?> o: o.CustomParser ??= r => Parse(r, o.Name, long.MinValue, long.MaxValue); break;
                case Option<double?> o: o.CustomParser
                    ??= r => Parse(r, o.Name, double.MinValue, double.MaxValue); break;
                default: break;
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            UseReadableMessages(subcommand);
        }
    }

    /// <summary>Also refuses a value outside [min, max], in the same words.</summary>
    public static Option<int> InRange(this Option<int> option, int min, int max)
    {
        option.CustomParser = r => Parse(r, option.Name, min, max);
        return option;
    }

    private static T Parse<T>(ArgumentResult result, string option, T min, T max)
        where T : struct, INumber<T>
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
        var whole = typeof(T) != typeof(double);
        if (T.TryParse(
            text,
            whole ? NumberStyles.Integer : NumberStyles.Float,
            CultureInfo.InvariantCulture,
            out var value) && value >= min && value <= max)
        {
            return value;
        }

        var number = whole
            ? BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        result.AddError(number
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"option '{option}': '{text}' is out of range ({min} to {max})")
            : $"option '{option}': '{text}' is not {(whole ? "a whole number" : "a number")}");
        return default;
    }
}
