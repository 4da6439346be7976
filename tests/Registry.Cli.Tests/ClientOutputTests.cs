using System.Text.RegularExpressions;
using Registry.Cli.Tests.Support;

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
        await using var client = await ClientProject.StartAsync(_registry, "{\"alpha\":\"[1.0.0, 2.0.0)\",\"beta\":\"[1.0.0, 2.0.0)\"}");

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
    public async Task Info_shows_description_license_links_publish_dates_and_yank_reasons()
    {
        await _registry.InitAsync();
        var manifest = "{\"name\":\"alpha\",\"version\":\"VERSION\",\"description\":\"Parses alphas\",\"license\":\"MIT\",\"authors\":[\"Ada\",\"Grace\"],"
            + "\"homepage\":\"https://alpha.example/\",\"repository\":\"https://git.example/alpha\",\"dependencies\":{}}";
        var files = new[] { "1.0.0", "1.1.0" }.Select(version =>
        {
            var path = Path.Combine(_registry.Root, $"alpha-{version}.tgz");
            File.WriteAllBytes(path, Tgz.Archive(("registry.json", manifest.Replace("VERSION", version, StringComparison.Ordinal)), ("lib/a.txt", version)));
            return path;
        }).ToArray();
        var before = TimeProvider.System.GetUtcNow(); // the CLI publishes on the process clock
        Assert.Equal(0, (await _registry.PublishAsync(files)).ExitCode);
        var after = TimeProvider.System.GetUtcNow();
        Assert.Equal(0, (await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpha", "1.0.0", "--reason", "CVE-2026-0001"])).ExitCode);
        await using var client = await ClientProject.StartAsync(_registry);

        var info = await client.RunAsync("info", "alpha");
        Assert.True(info.ExitCode == 0, info.ToString());
        var text = DatePattern().Replace(info.Out, "DATE");
        Assert.Equal(
            "alpha: Parses alphas\n  license: MIT\n  authors: Ada, Grace\n  homepage: https://alpha.example/\n  repository: https://git.example/alpha\n  versions:\n"
            + "    1.0.0  published DATE  yanked: CVE-2026-0001\n    1.1.0  published DATE\n",
            text);
        // The publish may straddle midnight: its date is the day it started or the day it ended.
        var published = DatePattern().Match(info.Out).Value[..10];
        Assert.Contains(published, new[] { $"{before:yyyy-MM-dd}", $"{after:yyyy-MM-dd}" });
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\dZ")]
    private static partial Regex DatePattern();
}
