using System.CommandLine;
using System.CommandLine.Parsing;
using Registry.Cli.Commands;
using Registry.Cli.Internal;
using Registry.Core;

namespace Registry.Cli;

/// <summary>
/// The <c>registry</c> command line. Exit codes: 0 success, 1 the operation failed
/// (validation, verification, conflict), 2 bad usage or environment.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "registry: a package registry made of static, signed files (TUF) in a folder or S3 behind a CDN.");
        root.Options.Add(context.VerboseOption);
        foreach (var command in new[]
        {
            InitCommand.Create(context),
            PackCommand.Create(context),
            PublishCommand.Create(context),
            YankCommand.Create(context),
            RefreshCommand.Create(context),
            RebinCommand.Create(context),
            StatusCommand.Create(context),
            SettingsCommand.Create(context),
            KeysCommand.Create(context),
            TokenCommand.Create(context),
            RootGroupCommand.Create(context),
            VerifyCommand.Create(context),
            ServeCommand.Create(context),
            WitnessCommand.Create(context),
            LogCommand.Create(context),
            GcCommand.Create(context),
            NuGetCommand.CreateSync(context),
            NuGetCommand.Create(context),
            MirrorCommand.Create(context),
            SourceCommand.Create(context),
            InfoCommand.Create(context),
            SearchCommand.Create(context),
            FetchCommand.Create(context),
            AddCommand.Create(context),
            InstallCommand.Create(context),
            UpdateCommand.Create(context),
        })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Runs the CLI in-process with the given output writers (tests use this).</summary>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        var context = new CliContext(output, error);
        var root = Build(context);
        NumberParsers.UseReadableMessages(root);
        var parse = root.Parse(HelpRequest(args));
        context.Json = WantsJson(parse);
        var problems = parse.Errors.Select(p => p.Message).Concat(ArgumentsThatLookLikeOptions(parse))
            .Select(p => Suggestions.ForParseError(p, parse))
            .ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await context.ErrorAsync(problem).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"registry: see '{CommandPath(parse)} --help'").ConfigureAwait(false);
            return await context.FailAsync(string.Join("; ", problems), null, Usage, writeLine: false)
                .ConfigureAwait(false);
        }

        context.Verbose = parse.GetValue(context.VerboseOption);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // SIGTERM cancels the command's token; past this, System.CommandLine ends the process
                // with 143. Its 2 s default cut short a serve stopping on a loaded machine.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
            }, cancel.Token).ConfigureAwait(false);
        }
        catch (ValidationException e) when (e.Rule is "package-unknown" or "dependency-unknown")
        {
            var refusal = await Suggestions.ForUnknownPackageAsync(e, parse, cancel.Token).ConfigureAwait(false);
            return await context.FailAsync(refusal.Message, refusal.Rule, refusal.ExitCode, exception: e)
                .ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            return await context.FailAsync(e.Message, e.Rule, e.ExitCode, exception: e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return await context.FailAsync("cancelled", null, 130).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            return await context.FailAsync($"{e.Message} (use --verbose for details)", null, Usage, exception: e)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return await context.FailAsync(
                $"unexpected {e.GetType().Name}: {FirstLine(e.Message)} (use --verbose for the stack trace)",
                null,
                Failed,
                exception: e).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Bare <c>registry</c> and <c>registry help [COMMAND...]</c> are <c>--help</c> (of that
    /// command).</summary>
    private static string[] HelpRequest(string[] args) => args switch
    {
        [] => ["--help"],
        ["help", .. var command] => [.. command, "--help"],
        _ => args,
    };

    /// <summary><c>registry publish</c> for a usage error of publish: the help page that explains it.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', ["registry", .. names]);
    }

    private static bool WantsJson(ParseResult parse) =>
        parse.CommandResult.Command.Options
            .FirstOrDefault(o => o.Name == CliContext.JsonOptionName) is Option<bool> json
        && parse.GetResult(json) is not null && parse.GetValue(json);

    /// <summary>
    /// An unknown option before a command's arguments is taken by System.CommandLine as one of
    /// them (<c>publish --bogus x.tgz</c> would look for a file named --bogus): an argument that
    /// starts with '-' and is not a negative number is reported as the unknown option it is.
    /// </summary>
    private static IEnumerable<string> ArgumentsThatLookLikeOptions(ParseResult parse)
    {
        // After "--" every token is an argument on purpose (a file named -x.tgz).
        var literal = parse.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash)
            .ToHashSet(ReferenceEqualityComparer.Instance);
        return parse.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(argument => argument.Tokens)
            .Where(token => !literal.Contains(token) && token.Value.Length > 1 && token.Value[0] == '-'
                && !char.IsAsciiDigit(token.Value[1])
                && token.Value[1] != '.')
            .Select(token => $"unknown option '{token.Value}'");
    }
}
