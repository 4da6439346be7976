using System.CommandLine;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Cli.Internal;

/// <summary>
/// <c>--bins N</c> and <c>--expected-packages N</c>, the two ways to choose a bin count, shared by
/// <c>init</c> and <c>rebin</c>: one of them, or neither (then the command's own default).
/// </summary>
internal sealed class BinCountOptions(string binsDescription)
{
    public Option<int?> Bins { get; } = new("--bins") { Description = binsDescription };

    public Option<long?> ExpectedPackages { get; } = new("--expected-packages")
    {
        Description = "Packages the registry is expected to hold; picks the bin count that keeps each publish smallest "
            + "(the power of two nearest sqrt(N x 134 / 30))",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Bins);
        command.Options.Add(ExpectedPackages);
    }

    /// <summary>The count asked for (checked: a power of two), the best for the expected packages, or
    /// <paramref name="otherwise"/>.</summary>
    public int Resolve(ParseResult parse, int otherwise)
    {
        var (bins, expected) = (parse.GetValue(Bins), parse.GetValue(ExpectedPackages));
        if (bins is not null && expected is not null)
        {
            throw new EnvironmentException(
                "--bins and --expected-packages both choose the bin count; give one of them");
        }

        if (expected is < 0)
        {
            throw new EnvironmentException($"--expected-packages {expected}: a number of packages is 0 or more");
        }

        if (bins is { } count)
        {
            HashBins.BitLengthFor(count);
            return count;
        }

        return expected is { } packages ? HashBins.BestCountFor(packages) : otherwise;
    }
}
