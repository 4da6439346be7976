using System.CommandLine;
using Registry.Client;
using Registry.Core.Packages;

namespace Registry.Cli.Internal;

/// <summary>
/// The package limits as options (defaults from <see cref="PackageLimits"/>, the limits clients
/// install with): a refusal names the option that raises its limit, and a limit raised past what
/// clients accept is warned about, since such a package would publish and then not install.
/// </summary>
internal sealed class LimitOptions
{
    private static readonly PackageLimits Defaults = PackageLimits.Default;

    public Option<long> MaxPackageBytes { get; } = new("--max-package-bytes") {
        Description = "Largest package file",
        DefaultValueFactory = _ => Defaults.MaxCompressedBytes };

    public Option<long> MaxUnpackedBytes { get; } = new("--max-unpacked-bytes") {
        Description = "Largest unpacked size of a package",
        DefaultValueFactory = _ => Defaults.MaxUnpackedBytes };

    public Option<int> MaxEntries { get; } = new("--max-entries") {
        Description = "Most entries in a package archive",
        DefaultValueFactory = _ => Defaults.MaxEntries };

    public Option<int> MaxRatio { get; } = new("--max-compression-ratio") {
        Description = "Largest unpacked/compressed ratio (zip-bomb guard)",
        DefaultValueFactory = _ => Defaults.MaxCompressionRatio };

    public void AddTo(Command command)
    {
        command.Options.Add(MaxPackageBytes);
        command.Options.Add(MaxUnpackedBytes);
        command.Options.Add(MaxEntries);
        command.Options.Add(MaxRatio);
    }

    public PackageLimits Read(ParseResult parse) => Defaults with
    {
        MaxCompressedBytes = parse.GetValue(MaxPackageBytes),
        MaxUnpackedBytes = parse.GetValue(MaxUnpackedBytes),
        MaxEntries = parse.GetValue(MaxEntries),
        MaxCompressionRatio = parse.GetValue(MaxRatio),
        Settings = new LimitSettings(MaxPackageBytes.Name, MaxUnpackedBytes.Name, MaxEntries.Name, MaxRatio.Name),
    };

    /// <summary>One warning per limit above what clients accept by default (<see cref="ClientLimits"/>).</summary>
    public static async Task WarnAboveClientsAsync(CliContext context, PackageLimits limits)
    {
        foreach (var gap in limits.Above(ClientLimits.Default.Packages))
        {
            await context.WarnAsync($"{gap.Setting} {gap.Value} is above the {gap.Accepted} that clients accept: a "
                + $"package past {gap.Accepted} publishes, but 'registry install' refuses it unless the client sets "
                + $"{gap.AcceptedSetting}").ConfigureAwait(false);
        }
    }
}
