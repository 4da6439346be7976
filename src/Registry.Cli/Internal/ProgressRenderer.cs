using System.Globalization;
using Spectre.Console;

namespace Registry.Cli.Internal;

/// <summary>One step of long work: <paramref name="Done"/> of <paramref name="Total"/> units, and a detail (files,
/// bytes).</summary>
internal readonly record struct ProgressStep(long Done, long Total, string Detail);

/// <summary>
/// Shows the progress of long work (install, mirror, a multi-file publish) on stderr: a
/// Spectre.Console progress bar when stderr is a terminal, otherwise (tests, CI, a log file)
/// plain <c>registry: WHAT: DONE/TOTAL DETAIL</c> lines, one per tenth of the work and one at
/// the end. Reports may arrive out of order from parallel work; a step older than the one shown
/// is dropped, so the counter never goes back. The last line always ends before the result.
/// </summary>
/// <remarks>
/// Spectre.Console 0.49.1 was not annotated as trimmable, so it was checked rather than assumed:
/// the Release build with the trim/AOT analyzers is clean, and a trimmed self-contained publish
/// (ILLink's whole-program analysis, <c>-p:PublishTrimmed=true</c>) reports no warning for it and
/// draws the bar. 0.57.2 is marked trimmable; the Native AOT publish and infra/smoke-cli.sh pass with it. Only the
/// widgets used here (Progress and its columns, no Live/Prompt/Json) are needed; should a Spectre update break the AOT
/// publish, a one-line <c>\r</c> renderer in the terminal branch is enough.
/// </remarks>
internal static class ProgressRenderer
{
    public static async Task<T> RunAsync<T>(
        CliContext context,
        string what,
        Func<IProgress<ProgressStep>, Task<T>> work)
    {
        if (!context.ErrorIsTerminal)
        {
            var plain = new PlainProgress(context.Error, what);
            var result = await work(plain).ConfigureAwait(false);
            plain.Finish();
            return result;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Error),
            ColorSystem = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
                ? ColorSystemSupport.NoColors
                : ColorSystemSupport.Detect,
        });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"{what}"), autoStart: true, maxValue: 1);
                var shown = -1L;
                var sync = new object();
                var result = await work(new Callback<ProgressStep>(step =>
                {
                    lock (sync)
                    {
                        if (step.Done < shown)
                        {
                            return;
                        }

                        shown = step.Done;
                        task.MaxValue = Math.Max(1, step.Total);
                        task.Value = step.Done;
                        task.Description = Markup.Escape(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{what} {step.Done}/{step.Total} {step.Detail}"));
                    }
                })).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            }).ConfigureAwait(false);
    }

    /// <summary>A library's progress type shown as steps, reported on the reporting thread.</summary>
    public static IProgress<T> Map<T>(IProgress<ProgressStep> progress, Func<T, ProgressStep> step) =>
        new Callback<T>(value => progress.Report(step(value)));

    /// <summary>Calls back on the reporting thread (System.Progress would post to the thread pool and reorder the
    /// steps).</summary>
    private sealed class Callback<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class PlainProgress(TextWriter error, string what) : IProgress<ProgressStep>
    {
        private readonly Lock _sync = new();
        private ProgressStep? _last;
        private long _printedTenth = -1;
        private bool _lastPrinted;

        public void Report(ProgressStep value)
        {
            lock (_sync)
            {
                if (_last is { } last && value.Done < last.Done)
                {
                    return;
                }

                _last = value;
                var tenth = value.Total <= 0 ? 0 : value.Done * 10 / value.Total;
                _lastPrinted = tenth > _printedTenth;
                if (_lastPrinted)
                {
                    _printedTenth = tenth;
                    Print(value);
                }
            }
        }

        public void Finish()
        {
            lock (_sync)
            {
                if (_last is { } last && !_lastPrinted)
                {
                    Print(last);
                }
            }
        }

        private void Print(ProgressStep step) =>
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"registry: {what}: {step.Done}/{step.Total}{(step.Detail.Length == 0 ? "" : " " + step.Detail)}"));
    }
}
