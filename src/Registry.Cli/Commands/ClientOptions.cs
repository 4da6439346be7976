using System.CommandLine;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary>Options every client command shares: which source, and whether to stay offline.</summary>
internal sealed class ClientOptions
{
    public Option<string?> Source { get; } = new("--source") { Description = "The configured source to read (default: the first, see 'registry source list')" };

    public Option<bool> Offline { get; } = new("--offline") { Description = "Use only the trusted metadata and files already in the cache" };

    public void AddTo(Command command)
    {
        command.Options.Add(Source);
        command.Options.Add(Offline);
    }

    public RegistryClient Open(ParseResult parse) => new(RegistryHome.Default(), RegistryHome.Default().Source(parse.GetValue(Source)), policy: HttpPolicy.FromEnvironment());

    public static async Task ReportAsync(CliContext context, RegistryClient client, UpdateResult update)
    {
        foreach (var warning in client.Warnings)
        {
            await context.WarnAsync(warning).ConfigureAwait(false);
        }

        if (context.Verbose)
        {
            await context.InfoAsync($"metadata {update.Status.ToString().ToLowerInvariant()} (timestamp {update.TimestampVersion}) from {update.Url ?? "the cache"}; {client.Requests} request(s)").ConfigureAwait(false);
        }
    }
}
