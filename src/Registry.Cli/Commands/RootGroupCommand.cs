using System.CommandLine;
using Registry.Core;

namespace Registry.Cli.Commands;

/// <summary><c>registry root propose|sign|publish</c>: root rotation by the TUF rules, signatures collected on separate
/// machines.</summary>
internal static class RootGroupCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command(
            "root",
            "Rotate keys, change thresholds or renew the root: propose version N+1, collect signatures, publish");
        command.Subcommands.Add(RootProposeCommand.Create(context));
        command.Subcommands.Add(RootSignCommand.Create(context));
        command.Subcommands.Add(RootPublishCommand.Create(context));
        return command;
    }

    /// <summary>Splits repeated <c>ROLE=VALUE</c> options.</summary>
    public static IReadOnlyList<(string Role, string Value)> Assignments(string[]? values, string option) =>
        [.. (values ?? []).Select(v => v.IndexOf('=', StringComparison.Ordinal) is var i and > 0 && i < v.Length - 1
            ? (v[..i].Trim(), v[(i + 1)..].Trim())
            : throw new EnvironmentException($"{option} {v}: expected ROLE=VALUE (e.g. {option} timestamp=...)"))];
}
