using System.CommandLine;
using Registry.Cli.Commands;
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
        var root = new RootCommand("registry: a package registry made of static, signed files (TUF) in a folder or S3 behind a CDN.");
        root.Options.Add(context.VerboseOption);
        foreach (var command in new[]
        {
            InitCommand.Create(context),
            PublishCommand.Create(context),
            YankCommand.Create(context),
            RefreshCommand.Create(context),
            StatusCommand.Create(context),
            SettingsCommand.Create(context),
            KeysCommand.Create(context),
            RootGroupCommand.Create(context),
            VerifyCommand.Create(context),
            ServeCommand.Create(context),
            GcCommand.Create(context),
            NuGetCommand.Create(context),
            MirrorCommand.Create(context),
            SourceCommand.Create(context),
            InfoCommand.Create(context),
            FetchCommand.Create(context),
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
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var context = new CliContext(output, error);
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"registry: error: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("registry: see 'registry --help'").ConfigureAwait(false);
            return Usage;
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
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel.Token).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            await context.ErrorAsync(e.Message, e).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await error.WriteLineAsync("registry: error: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            await context.ErrorAsync($"{e.Message} (use --verbose for details)", e).ConfigureAwait(false);
            return Usage;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.ErrorAsync($"unexpected {e.GetType().Name}: {FirstLine(e.Message)} (use --verbose for the stack trace)", e).ConfigureAwait(false);
            return Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
