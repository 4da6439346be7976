using System.Globalization;
using System.Text.RegularExpressions;

namespace Registry.Benchmarks.Hex;

internal sealed record VerifyFigures(
    double Seconds,
    double PeakRssMegabytes,
    int ExitCode,
    int Samples,
    string Summary);

/// <summary><c>registry verify --store DIR</c> on the full registry under <c>/usr/bin/time -v</c>: wall time and peak
/// resident memory.</summary>
internal static partial class VerifyBench
{
    public static async Task<VerifyFigures> RunAsync(HexRun run, string site)
    {
        var seconds = new List<double>();
        var rss = new List<double>();
        ProcResult? last = null;
        // Repeat only while it is quick: one verify of a slow registry is figure enough.
        for (var s = 0; s < run.Options.Samples && (s == 0 || seconds[0] < 15); s++)
        {
            last = await run.Cli.RunTimedAsync(["verify", "--store", site]);
            seconds.Add(last.Elapsed.TotalSeconds);
            rss.Add(PeakRssMegabytes(last.Err));
            Proc.Say($"verify: {last.Elapsed.TotalSeconds:0.00} s, peak RSS {rss[^1]:0} MB, exit {last.ExitCode}");
        }

        var summary = last!.Out.Trim().Split('\n').LastOrDefault() ?? "";
        return new VerifyFigures(Stats.Median(seconds), Stats.Median(rss), last.ExitCode, seconds.Count, summary);
    }

    /// <summary>The maximum resident set size in <c>/usr/bin/time -v</c>'s report, in MB (NaN when absent).</summary>
    public static double PeakRssMegabytes(string timeReport) =>
        MaxRss().Match(timeReport) is { Success: true } match
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 1024.0
            : double.NaN;

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex MaxRss();
}
