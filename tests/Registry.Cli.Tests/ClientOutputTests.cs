using System.Text.RegularExpressions;
using Registry.Testing.Cli;

namespace Registry.Cli.Tests;

/// <summary>What <c>install</c>, <c>update</c> and <c>info</c> tell a user.</summary>
public sealed partial class ClientOutputTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Install_says_what_changed_and_up_to_date_when_nothing_did()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"), _registry.Package("beta", "1.0.0"));
        await using var client = await ClientProject.StartAsync(
            _registry,
            "{\"alpha\":\"[1.0.0, 2.0.0)\",\"beta\":\"[1.0.0, 2.0.0)\"}");

        var first = await client.RunAsync("install", "--project", client.Folder);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("added alpha 1.0.0\nadded beta 1.0.0\n", first.Out);

        var second = await client.RunAsync("install", "--project", client.Folder);
        Assert.Equal("up to date: 2 package(s)\n", second.Out);

        await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"));
        var update = await client.RunAsync("update", "alpha", "--project", client.Folder);
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal("updated alpha 1.0.0 -> 1.1.0\n", update.Out);

        client.Depend("{\"alpha\":\"[1.0.0, 2.0.0)\"}");
        var removed = await client.RunAsync("install", "--project", client.Folder);
        Assert.Equal("removed beta 1.0.0\n", removed.Out);
        Assert.False(Directory.Exists(Path.Combine(client.Folder, "packages", "beta")));
        Assert.True(Directory.Exists(Path.Combine(client.Folder, "packages", "alpha")));
    }

    [Fact]
    public async Task Update_to_a_lower_version_after_a_yank_says_downgraded()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "1.1.0"), _registry.Package("alpha", "1.2.0"));
        await using var client = await ClientProject.StartAsync(_registry, "{\"alpha\":\"[1.0.0, 2.0.0)\"}");
        Assert.Equal("added alpha 1.2.0\n", (await client.RunAsync("install", "--project", client.Folder)).Out);
        Assert.Equal(0, (await RegistryCli.RunAsync(
            ["yank", .. _registry.StoreArgs, "alpha", "1.2.0", "--reason", "broken"])).ExitCode);
        var lockFile = Path.Combine(client.Folder, "registry.lock");
        var locked = await File.ReadAllBytesAsync(lockFile, TestContext.Current.CancellationToken);

        var update = await client.RunAsync("update", "--project", client.Folder);
        await File.WriteAllBytesAsync(lockFile, locked, TestContext.Current.CancellationToken);
        var json = await client.RunAsync("update", "--project", client.Folder, "--json");

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal("downgraded alpha 1.2.0 -> 1.1.0\n", update.Out);
        Assert.Contains(
            "\"change\":\"downgraded\",\"from\":\"1.2.0\",\"to\":\"1.1.0\"",
            json.Out,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_syntax_error_in_registry_json_names_the_file_and_position_in_plain_words()
    {
        await _registry.InitAsync();
        await using var client = await ClientProject.StartAsync(_registry);
        var manifest = Path.Combine(client.Folder, "registry.json");
        await File.WriteAllTextAsync(
            manifest,
            "{\"dependencies\": {\"alpha\": \"1.0.0\",}}",
            TestContext.Current.CancellationToken);

        var text = await client.RunAsync("install", "--project", client.Folder);
        var json = await client.RunAsync("install", "--project", client.Folder, "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Equal($"registry: error: {manifest}: not valid JSON (line 1, column 36: a trailing comma before '}}', "
            + "which JSON does not allow) [rule: manifest-json]\n", text.Error);
        Assert.Equal(1, json.ExitCode);
        using var error = System.Text.Json.JsonDocument.Parse(json.Out);
        var message = error.RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("a trailing comma before '}', which JSON does not allow", message, StringComparison.Ordinal);
        Assert.DoesNotContain("reader options", text.Error + message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(client.Folder, "registry.lock")));
    }

    [Fact]
    public async Task An_npm_style_range_is_refused_with_its_NuGet_spelling()
    {
        await _registry.InitAsync();
        await _registry.PublishAsync(_registry.Package("alpha", "2.1.0"));
        await using var client = await ClientProject.StartAsync(_registry, "{\"alpha\":\"^2.0.0\"}");
        var manifest = Path.Combine(client.Folder, "registry.json");

        var install = await client.RunAsync("install", "--project", client.Folder);
        var fetch = await client.RunAsync("fetch", "alpha@^2.0.0", "-o", client.Folder);

        Assert.Equal(1, install.ExitCode);
        Assert.Equal(
            $"registry: error: {manifest}: dependency 'alpha': \"^2.0.0\" is not a NuGet version range; ranges use "
            + "NuGet's syntax, where ^2.0.0 is written [2.0.0, 3.0.0) (a bare version such as 2.0.0 means at least "
            + "2.0.0) [rule: dependency-invalid]\n",
            install.Error);
        Assert.Equal(2, fetch.ExitCode);
        Assert.Equal("registry: error: '^2.0.0' is not a NuGet version range; ranges use NuGet's syntax, where ^2.0.0 "
            + "is written [2.0.0, 3.0.0) (a bare version such as 2.0.0 means at least 2.0.0)\n", fetch.Error);
        Assert.Equal(["registry.json"], Directory.GetFileSystemEntries(client.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Info_shows_description_license_links_publish_dates_and_yank_reasons()
    {
        await _registry.InitAsync();
        var manifest = "{\"name\":\"alpha\",\"version\":\"VERSION\",\"description\":\"Parses "
            + "alphas\",\"license\":\"MIT\",\"authors\":[\"Ada\",\"Grace\"],"
            + "\"homepage\":\"https://alpha.example/\",\"repository\":\"https://git.example/alpha\","
            + "\"dependencies\":{}}";
        var files = new[] { "1.0.0", "1.1.0" }.Select(version =>
        {
            var path = Path.Combine(_registry.Root, $"alpha-{version}.tgz");
            File.WriteAllBytes(path, Tgz.Archive(
                ("registry.json", manifest.Replace("VERSION", version, StringComparison.Ordinal)),
                ("lib/a.txt", version)));
            return path;
        }).ToArray();
        var before = TimeProvider.System.GetUtcNow(); // the CLI publishes on the process clock
        Assert.Equal(0, (await _registry.PublishAsync(files)).ExitCode);
        var after = TimeProvider.System.GetUtcNow();
        Assert.Equal(0, (await RegistryCli.RunAsync(
            ["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--reason", "CVE-2026-0001"])).ExitCode);
        await using var client = await ClientProject.StartAsync(_registry);

        var info = await client.RunAsync("info", "alpha");
        Assert.True(info.ExitCode == 0, info.ToString());
        var text = DatePattern().Replace(info.Out, "DATE");
        Assert.Equal(
            "alpha: Parses alphas\n  license: MIT\n  authors: Ada, Grace\n  homepage: https://alpha.example/\n  "
            + "repository: https://git.example/alpha\n  versions:\n"
            + "    1.0.0  published DATE  yanked: CVE-2026-0001\n    1.1.0  published DATE\n",
            text);
        // The publish may straddle midnight: its date is the day it started or the day it ended.
        var published = DatePattern().Match(info.Out).Value[..10];
        Assert.Contains(published, new[] { $"{before:yyyy-MM-dd}", $"{after:yyyy-MM-dd}" });
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\dZ")]
    private static partial Regex DatePattern();
}
