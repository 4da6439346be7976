using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>The exact text users read: help pages and error lines, pinned by golden files.</summary>
public sealed class HelpAndErrorOutputTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Theory]
    [InlineData("root", new string[0])]
    [InlineData("init", new[] { "init" })]
    [InlineData("publish", new[] { "publish" })]
    [InlineData("yank", new[] { "yank" })]
    [InlineData("verify", new[] { "verify" })]
    [InlineData("refresh", new[] { "refresh" })]
    [InlineData("serve", new[] { "serve" })]
    [InlineData("gc", new[] { "gc" })]
    [InlineData("status", new[] { "status" })]
    [InlineData("settings", new[] { "settings" })]
    [InlineData("keys-generate", new[] { "keys", "generate" })]
    [InlineData("root-propose", new[] { "root", "propose" })]
    [InlineData("root-sign", new[] { "root", "sign" })]
    [InlineData("root-publish", new[] { "root", "publish" })]
    [InlineData("mirror", new[] { "mirror" })]
    [InlineData("info", new[] { "info" })]
    [InlineData("fetch", new[] { "fetch" })]
    [InlineData("install", new[] { "install" })]
    [InlineData("update", new[] { "update" })]
    public async Task Help_pages_match_the_golden_files(string name, string[] command)
    {
        var result = await RegistryCli.RunAsync([.. command, "--help"]);
        Assert.Equal(0, result.ExitCode);
        Golden.AssertMatches($"help.{name}.txt", result.Out.Replace("testhost", "registry", StringComparison.Ordinal)
            .Replace("Registry.Cli.Tests", "registry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusals_print_one_line_naming_the_file_and_the_rule()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"));
        var results = new[]
        {
            await _registry.PublishAsync(_registry.Package("alpha", "1.0.0", extraFile: "changed")),
            await _registry.PublishAsync(_registry.Package("beta", "1.0.0", "{\"ghost\":\"1.0.0\"}")),
            await _registry.PublishAsync(_registry.Package("Alpha_", "1.0.0")),
            await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "2.0.0"]),
            await RegistryCli.RunAsync("publish", "--store", _registry.Store, "x.tgz"),
        };
        var text = string.Join("", results.Select(r => $"exit {r.ExitCode}: {r.Error}"))
            .Replace(_registry.Root, "TMP", StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, "sha256 [0-9a-f]{16}", "sha256 HASH");
        Golden.AssertMatches("errors.txt", text);
    }
}
