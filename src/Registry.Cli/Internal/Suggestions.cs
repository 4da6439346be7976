using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Cli.Internal;

/// <summary>
/// "Did you mean" for what a user mistypes: a command or option (from the command line's own
/// names), and a package name a maintainer command did not find (from the names in the store).
/// Close means at most a third of the characters differ (one at least), a swap of neighbours
/// counting once (<see cref="NameSuggestions.Distance"/>), as cargo and git suggest.
/// </summary>
internal static partial class Suggestions
{
    /// <summary>A parse error, with "; did you mean '...'?" when its unknown token is close to a command or option
    /// here.</summary>
    public static string ForParseError(string message, ParseResult parse)
    {
        var token = QuotedToken().Match(message);
        if (!token.Success || !(message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
            || message.StartsWith("unknown option", StringComparison.Ordinal)))
        {
            return message;
        }

        var text = token.Groups[1].Value;
        var command = parse.CommandResult.Command;
        var candidates = text.StartsWith('-')
            ? OptionNames(parse.CommandResult).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var phrase = DidYouMean(Closest(text, candidates));
        return phrase.Length == 0 ? message : message.TrimEnd('.') + phrase;
    }

    /// <summary>The options a command accepts: its own, and its ancestors' recursive ones (--verbose,
    /// --help).</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        foreach (var option in result.Command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases)
            {
                yield return alias;
            }
        }

        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
            {
                yield return option.Name;
            }
        }
    }

    public static IReadOnlyList<string> Closest(string text, IEnumerable<string> candidates)
    {
        var limit = Math.Max(1, text.TrimStart('-').Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: NameSuggestions.Distance(text.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance > 0 && c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(NameSuggestions.MaxSuggestions)
            .Select(c => c.Name)
            .ToList();
    }

    private static string DidYouMean(IReadOnlyList<string> names) => NameSuggestions.DidYouMean(names);

    /// <summary>
    /// A refusal for a package the store does not have (<c>yank</c>'s <c>package-unknown</c>,
    /// <c>publish</c>'s <c>dependency-unknown</c>), with the closest published names. Reads every
    /// bin of the store: a cost paid only on this error path. The refusal unchanged when the
    /// store cannot be read for it, or no name is close.
    /// </summary>
    public static async Task<RegistryException> ForUnknownPackageAsync(
        ValidationException error,
        ParseResult parse,
        CancellationToken cancellationToken)
    {
        var subject = error.Rule switch
        {
            "package-unknown" when !error.Message.Contains("published as", StringComparison.Ordinal) => UnknownPackage()
                .Match(error.Message),
            "dependency-unknown" => UnknownDependency().Match(error.Message),
            _ => Match.Empty,
        };
        var location = Value(parse, "--store") ?? Environment.GetEnvironmentVariable("REGISTRY_STORE");
        if (!subject.Success || string.IsNullOrEmpty(location))
        {
            return error;
        }

        try
        {
            var reader = await ReaderFactory.OpenAsync(location, Value(parse, "--s3-endpoint"), cancellationToken)
                .ConfigureAwait(false);
            try
            {
                var state = await RegistryState.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
                var names = new List<string>();
                foreach (var file in state.Snapshot.Signed.Meta.Keys)
                {
                    var bin = file[..^".json".Length];
                    if (state.Bins.IsBinName(bin))
                    {
                        var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
                        names.AddRange(document.Signed.Targets.Keys
                            .Where(path => path.StartsWith("index/", StringComparison.Ordinal)
                                && path.EndsWith(".json", StringComparison.Ordinal))
                            .Select(path => path["index/".Length..^".json".Length]));
                    }
                }

                var phrase = NameSuggestions.DidYouMean(NameSuggestions.Closest(subject.Groups[1].Value, names));
                var message = RegistryException.WithoutRule(error.Message);
                return phrase.Length == 0 ? error : new ValidationException(error.Rule, WithPhrase(message, phrase));
            }
            finally
            {
                (reader as IDisposable)?.Dispose();
            }
        }
        catch (Exception e) when (e is RegistryException or IOException or HttpRequestException
            or UnauthorizedAccessException)
        {
            return error;
        }
    }

    /// <summary>"...; publish it first (or in the same command)" becomes "...; did you mean 'x'? Otherwise publish it
    /// first ...".</summary>
    private static string WithPhrase(string message, string phrase)
    {
        var semicolon = message.IndexOf("; ", StringComparison.Ordinal);
        return semicolon < 0
            ? message + phrase
            : $"{message[..semicolon]}{phrase} Otherwise {message[(semicolon + 2)..]}";
    }

    private static string? Value(ParseResult parse, string name) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name) is Option<string?> option
            ? parse.GetValue(option)
            : null;

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedToken();

    [GeneratedRegex("^no package '([^']+)' in the registry")]
    private static partial Regex UnknownPackage();

    [GeneratedRegex("depends on '([^']+)', which is not in the registry")]
    private static partial Regex UnknownDependency();
}
