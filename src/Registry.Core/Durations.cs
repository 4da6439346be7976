using System.Globalization;

namespace Registry.Core;

/// <summary>
/// Durations as the CLI writes them: a whole number and a unit, <c>m</c> (minutes), <c>h</c>,
/// <c>d</c>, <c>w</c> or <c>y</c> (365 days): <c>30d</c>, <c>12h</c>, <c>1y</c>; and per-role lists
/// such as <c>root=365d,timestamp=1d</c>.
/// </summary>
public static class Durations
{
    /// <summary>Parses one duration; a bad one is an <see cref="EnvironmentException"/> (bad usage) naming
    /// <paramref name="what"/>.</summary>
    public static TimeSpan Parse(string text, string what)
    {
        text = text.Trim();
        if (text.Length >= 2 && long.TryParse(
            text.AsSpan(0, text.Length - 1),
            NumberStyles.None,
            CultureInfo.InvariantCulture,
            out var number) && number <= 100_000)
        {
            switch (text[^1])
            {
                case 'm': return TimeSpan.FromMinutes(number);
                case 'h': return TimeSpan.FromHours(number);
                case 'd': return TimeSpan.FromDays(number);
                case 'w': return TimeSpan.FromDays(7 * number);
                case 'y': return TimeSpan.FromDays(365 * number);
            }
        }

        throw new EnvironmentException(
            $"{what}: '{text}' is not a duration; write a whole number and a unit: 90m, 12h, 30d, 2w, 1y");
    }

    /// <summary>Parses <c>ROLE=DURATION[,ROLE=DURATION...]</c> (repeatable); each role must be one of
    /// <paramref name="roles"/>.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> ParseRoleList(
        IEnumerable<string> texts,
        IReadOnlyCollection<string> roles,
        string what)
    {
        var result = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var item in texts.SelectMany(
            t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var role = equals < 0 ? item : item[..equals].Trim();
            if (equals < 0 || !roles.Contains(role))
            {
                throw new EnvironmentException($"{what}: '{item}' is not ROLE=DURATION with ROLE one of "
                    + $"{string.Join(", ", roles)} (e.g. {what} timestamp=1d,snapshot=30d)");
            }

            result[role] = Parse(item[(equals + 1)..], $"{what} {role}");
        }

        return result;
    }

    /// <summary>A short human form: <c>364d 23h</c>, <c>5h 12m</c>, <c>42m</c>; negative spans get a leading
    /// <c>-</c>.</summary>
    public static string Format(TimeSpan span)
    {
        var sign = span < TimeSpan.Zero ? "-" : "";
        span = span.Duration();
        return sign + (span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m"
            : $"{span.Minutes}m");
    }
}
