using System.Diagnostics;

namespace Registry.Benchmarks.Hex;

/// <summary>
/// The <c>registry</c> CLI as a user runs it: a separate process per command. By default it is
/// <c>dotnet publish src/Registry.Cli -c Release</c> (so whatever the project sets for publishing,
/// ReadyToRun or Native AOT, is what gets measured), run through its apphost.
/// </summary>
internal sealed class RegistryCli
{
    private readonly string _file;
    private readonly string[] _prefix;

    private RegistryCli(string file, string[] prefix, string description)
    {
        _file = file;
        _prefix = prefix;
        Description = description;
    }

    public string Description { get; }

    public static async Task<RegistryCli> PrepareAsync(string? given, string repository, string output)
    {
        if (given is null)
        {
            Proc.Say($"dotnet publish src/Registry.Cli -c Release -o {output}");
            (await Proc.RunAsync("dotnet", ["publish", Path.Combine(
                repository,
                "src",
                "Registry.Cli",
                "Registry.Cli.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet", "-clp:ErrorsOnly"]))
                .Check("dotnet publish src/Registry.Cli");
            given = File.Exists(Path.Combine(output, "registry"))
                ? Path.Combine(output, "registry")
                : Path.Combine(output, "registry.dll");
        }

        return given.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new RegistryCli("dotnet", [given], $"dotnet {given}")
            : new RegistryCli(given, [], given);
    }

    public Task<ProcResult> RunAsync(
        IEnumerable<string> args,
        string? cwd = null,
        IReadOnlyDictionary<string, string>? env = null) =>
        Proc.RunAsync(_file, _prefix.Concat(args), cwd, env);

    /// <summary>Runs under <c>/usr/bin/time -v</c>; the result's Err holds time's report (with the peak RSS).</summary>
    public Task<ProcResult> RunTimedAsync(IEnumerable<string> args, string? cwd = null) =>
        Proc.RunAsync("/usr/bin/time", new[] { "-v", _file }.Concat(_prefix).Concat(args), cwd);

    public Process Start(IEnumerable<string> args, string? cwd = null) =>
        Process.Start(Proc.Start(_file, _prefix.Concat(args), cwd, null))!;
}
