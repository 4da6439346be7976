using System.CommandLine;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary>Options every client command shares: which source, whether to stay offline, JSON output.</summary>
internal sealed class ClientOptions
{
    public Option<string?> Source { get; } = new("--source") {
        Description = "The configured source to read (default: the first, see 'registry source list')" };

    public Option<bool> Offline { get; }
        = new("--offline") { Description = "Use only the trusted metadata and files already in the cache" };

    /// <summary>Every client command prints its result as JSON on request (read through
    /// <see cref="CliContext.Json"/>).</summary>
    public Option<bool> Json { get; } = CliContext.JsonOption();

    public void AddTo(Command command)
    {
        command.Options.Add(Source);
        command.Options.Add(Offline);
        command.Options.Add(Json);
    }

    public RegistryClient Open(ParseResult parse) =>
        new(
            RegistryHome.Default(),
            RegistryHome.Default().Source(parse.GetValue(Source)),
            TimeProvider.System,
            HttpPolicy.FromEnvironment(),
            limits: ClientLimits.FromEnvironment());

    public static async Task ReportAsync(CliContext context, RegistryClient client, UpdateResult update)
    {
        foreach (var warning in client.Warnings)
        {
            await context.WarnAsync(warning).ConfigureAwait(false);
        }

        if (context.Verbose)
        {
            await context.InfoAsync($"metadata {update.Status.ToString().ToLowerInvariant()} (timestamp "
                + $"{update.TimestampVersion}) from {update.Url ?? "the cache"}; {client.Requests} request(s)")
                    .ConfigureAwait(false);
        }
    }
}
