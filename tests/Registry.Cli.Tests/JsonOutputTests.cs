using System.Text.Json;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Cli.Tests;

/// <summary>
/// <c>--json</c>: one document on stdout in the shape docs/commands.md ("JSON output") documents,
/// and on failure <c>{"error": {"message", "rule", "exit_code"}}</c> with the exit code unchanged.
/// </summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    private static JsonElement Parse(CliResult result)
    {
        using var document = JsonDocument.Parse(result.Out);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Publish_yank_and_refresh_print_one_json_document_each()
    {
        await _registry.InitAsync();
        var alpha = _registry.Package("alpha", "1.0.0");
        var publish = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, "--json", alpha, _registry.Package("beta", "1.0.0")]);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var published = Parse(publish);
        Assert.Equal(
            ["published", "published"],
            published.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("status").GetString()));
        Assert.Equal("alpha", published.GetProperty("packages")[0].GetProperty("name").GetString());
        Assert.Equal(64, published.GetProperty("packages")[0].GetProperty("sha256").GetString()!.Length);
        Assert.Equal(2, published.GetProperty("commit").GetProperty("timestamp_version").GetInt64());

        var again = Parse(await RegistryCli.RunAsync(["publish", .. _registry.StoreArgs, "--json", alpha]));
        Assert.Equal("unchanged", again.GetProperty("packages")[0].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("commit").ValueKind);

        var yank = Parse(await RegistryCli.RunAsync(
            ["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--reason", "broken build", "--json"]));
        Assert.Equal("yanked", yank.GetProperty("status").GetString());
        Assert.Equal("broken build", yank.GetProperty("reason").GetString());
        Assert.Equal(3, yank.GetProperty("commit").GetProperty("timestamp_version").GetInt64());

        var refresh = Parse(await RegistryCli.RunAsync(["refresh", .. _registry.StoreArgs, "--json"]));
        Assert.Contains("timestamp", refresh.GetProperty("resigned").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Array, refresh.GetProperty("missing_keys").ValueKind);
    }

    [Fact]
    public async Task A_failure_with_json_prints_the_error_object_with_its_rule_and_the_same_exit_code()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"));

        var refused = await RegistryCli.RunAsync(
            ["publish", .. _registry.StoreArgs, "--json", _registry.Package("alpha", "1.0.0", extraFile: "changed")]);
        Assert.Equal(1, refused.ExitCode);
        var error = Parse(refused).GetProperty("error");
        Assert.Equal("version-immutable", error.GetProperty("rule").GetString());
        Assert.Equal(1, error.GetProperty("exit_code").GetInt32());
        Assert.Contains(
            "already published with different contents",
            error.GetProperty("message").GetString(),
            StringComparison.Ordinal);
        Assert.Contains("registry: error:", refused.Error, StringComparison.Ordinal);

        var noKeys = await RegistryCli.RunAsync("yank", "--store", _registry.Store, "alpha", "1.0.0", "--json");
        Assert.Equal(2, noKeys.ExitCode);
        error = Parse(noKeys).GetProperty("error");
        Assert.Equal(JsonValueKind.Null, error.GetProperty("rule").ValueKind);
        Assert.Equal(2, error.GetProperty("exit_code").GetInt32());

        var usage = await RegistryCli.RunAsync("gc", "--store", _registry.Store, "--grace-days", "many", "--json");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains(
            "'many' is not a number",
            Parse(usage).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal);

        var verify = await RegistryCli.RunAsync("verify", "--store", Path.Combine(_registry.Root, "nowhere"), "--json");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Equal(verify.ExitCode, Parse(verify).GetProperty("error").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task Mirror_prints_its_result_and_the_prune_as_json()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"));
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);
        var mirror = Path.Combine(_registry.Root, "mirror");
        var root = Path.Combine(_registry.Store, "metadata", "1.root.json");

        var first = await RegistryCli.RunAsync(
            "mirror",
            server.BaseUri.ToString(),
            "--to",
            mirror,
            "--root",
            root,
            "--json",
            "--prune");
        Assert.True(first.ExitCode == 0, first.ToString());
        var result = Parse(first);
        Assert.False(result.GetProperty("unchanged").GetBoolean());
        Assert.Equal(2, result.GetProperty("timestamp_version").GetInt64());
        Assert.True(result.GetProperty("files_fetched").GetInt32() >= 3);
        Assert.True(result.GetProperty("requests").GetInt32() >= 3);
        Assert.Equal(0, result.GetProperty("pruned").GetProperty("files").GetInt32());

        var second = Parse(
            await RegistryCli.RunAsync("mirror", server.BaseUri.ToString(), "--to", mirror, "--root", root, "--json"));
        Assert.True(second.GetProperty("unchanged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("pruned").ValueKind);
    }

    [Fact]
    public async Task Client_commands_print_json_install_lists_every_package_and_the_changes()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(
            _registry.Package("alpha", "1.0.0"),
            _registry.Package("beta", "1.0.0", "{\"alpha\":\"[1.0.0, 2.0.0)\"}"));
        await using var client = await ClientProject.StartAsync(_registry, "{\"beta\":\"[1.0.0, 2.0.0)\"}");

        var install = await client.RunAsync("install", "--project", client.Folder, "--json");
        Assert.True(install.ExitCode == 0, install.ToString());
        var installed = Parse(install);
        Assert.True(installed.GetProperty("resolved").GetBoolean());
        Assert.Equal(
            ["alpha", "beta"],
            installed.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(
            ["added", "added"],
            installed.GetProperty("changes").EnumerateArray().Select(p => p.GetProperty("change").GetString()));
        Assert.Equal(JsonValueKind.Null, installed.GetProperty("changes")[0].GetProperty("from").ValueKind);

        var again = Parse(await client.RunAsync("install", "--project", client.Folder, "--json"));
        Assert.Equal(2, again.GetProperty("packages").GetArrayLength());
        Assert.Equal(0, again.GetProperty("changes").GetArrayLength());

        var output = Path.Combine(_registry.Root, "fetched");
        var fetch = Parse(await client.RunAsync("fetch", "alpha@[1.0.0, 2.0.0)", "-o", output, "--json"));
        Assert.Equal("1.0.0", fetch.GetProperty("version").GetString());
        Assert.True(File.Exists(fetch.GetProperty("file").GetString()));

        var info = Parse(await client.RunAsync("info", "beta", "--json"));
        Assert.Equal("beta", info.GetProperty("name").GetString());
        Assert.Equal(
            "[1.0.0, 2.0.0)",
            info.GetProperty("versions")[0].GetProperty("dependencies").GetProperty("alpha").GetString());

        var missing = await client.RunAsync("info", "ghost", "--json");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains(
            "ghost",
            Parse(missing).GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal);
    }
}
