using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Core.Tokens;

namespace Registry.Cli.Tests;

/// <summary><c>registry token</c>: tokens live beside the keys, never in the store; bad input writes nothing.</summary>
public sealed class TokenCommandTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private string TokensFile => TokenFile.PathIn(_registry.Keys);

    [Fact]
    public async Task Issue_writes_only_tokens_json_beside_the_keys_and_the_token_verifies_under_its_secret()
    {
        await _registry.InitAsync();
        var before = _registry.StoreSnapshot();

        var issued = await RegistryCli.RunAsync(
            "token",
            "issue",
            "--keys",
            _registry.Keys,
            "--name",
            "ci",
            "--expires",
            "90d",
            "--scope",
            "acme-");

        Assert.True(issued.ExitCode == 0, issued.ToString());
        Assert.Equal(before, _registry.StoreSnapshot());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokensFile));
        }

        var text = issued.Out.Trim();
        var token = ReadToken.ParseOrNull(text, out var mac);
        Assert.NotNull(token);
        Assert.Equal("acme-", token.Scope);
        Assert.InRange(token.Expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(89.9), TimeSpan.FromDays(90.1));
        using var file = JsonDocument.Parse(
            await File.ReadAllBytesAsync(TokensFile, TestContext.Current.CancellationToken));
        var secret = file.RootElement.GetProperty("secrets")[0].GetProperty("secret").GetString()!;
        Assert.Equal(ReadToken.Mac(secret, token.Claim), mac);
        // The file keeps the token's id, never its text.
        Assert.DoesNotContain(
            mac,
            await File.ReadAllTextAsync(TokensFile, TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
        Assert.Contains("issued token", issued.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--expires", "90", "not a duration")]
    [InlineData("--expires", "6y", "at most 5y")]
    [InlineData("--scope", "Acme~", "a scope is the start of package names")]
    public async Task Bad_input_is_exit_2_and_writes_nothing(string option, string value, string message)
    {
        Directory.CreateDirectory(_registry.Keys);
        string[] args = ["token", "issue", "--keys", _registry.Keys, "--name", "ci", "--expires", "30d"];
        var index = Array.IndexOf(args, option);
        args = index >= 0 ? [.. args[..(index + 1)], value, .. args[(index + 2)..]] : [.. args, option, value];

        var result = await RegistryCli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(TokensFile));
    }

    [Fact]
    public async Task Revoke_list_rotate_retire_and_edge_config_keep_the_edge_list_small()
    {
        Directory.CreateDirectory(_registry.Keys);
        var first = await RegistryCli.RunAsync(
            "token",
            "issue",
            "--keys",
            _registry.Keys,
            "--name",
            "laptop",
            "--expires",
            "30d",
            "--json");
        using var issued = JsonDocument.Parse(first.Out);
        var id = issued.RootElement.GetProperty("id").GetString()!;

        Assert.Equal(
            1,
            (await RegistryCli.RunAsync("token", "revoke", "--keys", _registry.Keys, "ffffffffffffffff")).ExitCode);
        var revoke = await RegistryCli.RunAsync("token", "revoke", "--keys", _registry.Keys, id[..6]);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        var list = await RegistryCli.RunAsync("token", "list", "--keys", _registry.Keys);
        Assert.StartsWith($"{id}\trevoked\t", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(
            issued.RootElement.GetProperty("token").GetString()!,
            list.Out + list.Error,
            StringComparison.Ordinal);

        var onlySecret = await RegistryCli.RunAsync("token", "list", "--keys", _registry.Keys, "--json");
        using var listed = JsonDocument.Parse(onlySecret.Out);
        var oldSecret = listed.RootElement.GetProperty("secrets")[0].GetString()!;
        var retireOnly = await RegistryCli.RunAsync("token", "retire", "--keys", _registry.Keys, oldSecret);
        Assert.Equal(2, retireOnly.ExitCode);
        Assert.Contains("the only secret", retireOnly.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await RegistryCli.RunAsync("token", "rotate", "--keys", _registry.Keys)).ExitCode);
        var edge = Path.Combine(_registry.Root, "edge.json");
        Assert.Equal(
            0,
            (await RegistryCli.RunAsync("token", "edge-config", "--keys", _registry.Keys, "--out", edge)).ExitCode);
        using (var config = JsonDocument.Parse(
            await File.ReadAllBytesAsync(edge, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(2, config.RootElement.GetProperty("secrets").EnumerateObject().Count());
            Assert.Equal(
                [id],
                config.RootElement.GetProperty("revoked").EnumerateArray().Select(e => e.GetString()!).ToArray());
        }

        Assert.Equal(0, (await RegistryCli.RunAsync("token", "retire", "--keys", _registry.Keys, oldSecret)).ExitCode);
        Assert.Equal(
            0,
            (await RegistryCli.RunAsync("token", "edge-config", "--keys", _registry.Keys, "--out", edge)).ExitCode);
        using (var config = JsonDocument.Parse(
            await File.ReadAllBytesAsync(edge, TestContext.Current.CancellationToken)))
        {
            Assert.False(config.RootElement.GetProperty("secrets").TryGetProperty(oldSecret, out _));
        }
    }

    [Fact]
    public async Task List_before_any_issue_says_how_to_start()
    {
        Directory.CreateDirectory(_registry.Keys);
        var result = await RegistryCli.RunAsync("token", "list", "--keys", _registry.Keys);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("registry token issue", result.Error, StringComparison.Ordinal);
    }
}
