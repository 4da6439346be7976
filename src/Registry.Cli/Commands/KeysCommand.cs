using System.CommandLine;

namespace Registry.Cli.Commands;

/// <summary><c>registry keys</c>: the group of key commands (today: <c>generate</c>).</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "Create signing keys (encrypted at rest) for the registry's roles");
        command.Subcommands.Add(KeysGenerateCommand.Create(context));
        return command;
    }
}
