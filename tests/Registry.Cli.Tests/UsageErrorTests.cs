using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// Usage errors name the subcommand's help; unknown options, bad numbers and malformed JSON
/// files are reported in the user's terms, never with .NET texts.
/// </summary>
public sealed class UsageErrorTests : IDisposable
{
    /// <summary>Texts of .NET exceptions and System.CommandLine conversions that must not reach a user.</summary>
    private static readonly string[] Leaks =
    [
        "LineNumber", "BytePositionInLine", "System.Int32", "System.Int64", "System.Double", "System.String",
        "Exception", "Path: $",
    ];

    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    /// <summary>The command failed with this exit code, said these things, and leaked no .NET text.</summary>
    private static void AssertReported(CliResult result, int exitCode, params string[] texts)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        foreach (var text in texts)
        {
            Assert.Contains(text, result.Error, StringComparison.Ordinal);
        }

        AssertNoLeak(result);
    }

    private static void AssertNoLeak(CliResult result)
    {
        foreach (var leak in Leaks)
        {
            Assert.False(result.Error.Contains(leak, StringComparison.Ordinal), $"'{leak}' in: {result}");
        }
    }

    [Fact]
    public async Task An_unknown_option_on_publish_is_reported_as_an_option_not_read_as_a_file()
    {
        var result = await RegistryCli.RunAsync(
            "publish",
            "--store",
            _registry.Store,
            "--keys",
            _registry.Keys,
            "--bogus",
            "x.tgz");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "registry: error: unknown option '--bogus'\nregistry: see 'registry publish --help'\n",
            result.Error);
        Assert.False(Directory.Exists(_registry.Store));
    }

    [Theory]
    [InlineData("registry yank --help", new[] { "yank", "alpha" })]
    [InlineData("registry root sign --help", new[] { "root", "sign" })]
    [InlineData("registry source add --help", new[] { "source", "add", "main" })]
    [InlineData("registry --help", new[] { "frobnicate" })]
    public async Task A_usage_error_points_to_the_help_of_the_command_that_was_given(string help, string[] args)
    {
        var result = await RegistryCli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.EndsWith($"registry: see '{help}'\n", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("option '--bins': 'abc' is not a whole number", new[] { "init", "--bins", "abc" })]
    [InlineData(
        "option '--port': '99999999999' is out of range (0 to 65535)",
        new[] { "serve", ".", "--port", "99999999999" })]
    [InlineData(
        "option '--bins': '99999999999' is out of range (-2147483648 to 2147483647)",
        new[] { "init", "--bins", "99999999999" })]
    [InlineData("option '--port': '70000' is out of range (0 to 65535)", new[] { "serve", ".", "--port", "70000" })]
    [InlineData(
        "option '--parallel': '0' is out of range (1 to 256)",
        new[] { "mirror", "http://localhost/", "--to", "m", "--root", "r", "--parallel", "0" })]
    [InlineData(
        "option '--max-package-bytes': '1e3' is not a whole number",
        new[] { "publish", "--max-package-bytes", "1e3", "x.tgz" })]
    [InlineData(
        "option '--grace-days': 'week' is not a number",
        new[] { "gc", "--store", ".", "--grace-days", "week" })]
    public async Task A_bad_number_names_the_option_and_the_value(string message, string[] args)
    {
        var result = await RegistryCli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"registry: error: {message}\n", result.Error, StringComparison.Ordinal);
        AssertNoLeak(result);
    }

    [Fact]
    public async Task Malformed_json_files_are_named_with_the_line_and_column()
    {
        await _registry.InitAsync();
        File.WriteAllText(Path.Combine(_registry.Store, "registry-config.json"), "{\"bins\": \"many\"");
        AssertReported(
            await RegistryCli.RunAsync("settings", "--store", _registry.Store),
            2,
            "registry-config.json: malformed settings (line 1");

        var home = Path.Combine(_registry.Root, "home");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "sources.json"), "[{\"name\": 42}]");
        var environment = new Dictionary<string, string> { ["REGISTRY_HOME"] = home };
        AssertReported(
            await RegistryCli.RunProcessAsync(["source", "list"], environment),
            2,
            "sources.json: malformed JSON (line 1, column",
            "at $[0].name: a string was expected, not a number");

        File.Delete(Path.Combine(home, "sources.json"));
        await using var client = new ClientProject(_registry, ClosedPort.Url());
        await client.AddSourceAsync();
        File.WriteAllText(Path.Combine(client.Folder, "registry.json"), "{\"dependencies\": {\"alpha\": }");
        AssertReported(
            await client.RunAsync("install", "--project", client.Folder),
            1,
            "registry.json: not valid JSON (line 1, column 28: ");
    }
}
