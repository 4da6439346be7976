using System.Text.RegularExpressions;
using System.Xml.Linq;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// The scheduled jobs in infra/schedules hold the timestamp key and the store's credentials, so
/// nothing they run may be chosen by whoever publishes first under a name: the refresh workflow
/// installs one exact CLI version from the one source its nuget.config maps the id to, and runs
/// actions pinned by commit (infra/schedules/check.sh checks the same, with systemd and cron).
/// </summary>
public sealed partial class ScheduleTests
{
    private static string Schedules { get; } = Path.Combine(InfraScript.RepositoryRoot, "infra", "schedules");

    private static string Workflow => File.ReadAllText(Path.Combine(Schedules, "github", "registry-refresh.yml"));

    [Fact]
    public void The_refresh_workflow_installs_one_exact_cli_version_through_its_nuget_config()
    {
        var install = Assert.Single(InstallCommand().Matches(Workflow)).Value;
        Assert.Contains("--version \"$REGISTRY_CLI_VERSION\"", install, StringComparison.Ordinal);
        Assert.Contains("--configfile .github/registry-refresh/nuget.config", install, StringComparison.Ordinal);
        Assert.DoesNotContain("--add-source", install, StringComparison.Ordinal);
        Assert.DoesNotContain("*", install, StringComparison.Ordinal);

        var version = CliVersion().Match(Workflow);
        Assert.True(version.Success, "REGISTRY_CLI_VERSION is not set in the workflow");
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", version.Groups[1].Value);
    }

    [Fact]
    public void The_cli_nuget_config_clears_every_other_source_and_maps_the_tools_ids_to_its_one_source()
    {
        var config = XDocument.Load(Path.Combine(Schedules, "github", "nuget.config")).Root!;
        var sources = config.Element("packageSources")!.Elements().ToList();
        Assert.Equal("clear", sources[0].Name.LocalName);
        var key = Assert.Single(sources, s => s.Name.LocalName == "add").Attribute("key")!.Value;
        Assert.Equal(2, sources.Count);

        var mapped = config.Element("packageSourceMapping")!.Elements("packageSource")
            .SelectMany(s => s.Elements("package")
                .Select(p => (Source: s.Attribute("key")!.Value, Pattern: p.Attribute("pattern")!.Value)))
            .ToList();
        Assert.Equal([(key, "Registry.Cli"), (key, "Registry.Cli.*")], mapped);
        Assert.Contains($"NuGetPackageSourceCredentials_{key}:", Workflow, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_action_the_refresh_workflow_runs_is_pinned_to_a_commit()
    {
        var actions = UsesLine().Matches(Workflow).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(actions);
        Assert.All(actions, action => Assert.Matches(@"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$", action));
    }

    [Fact]
    public void No_other_scheduled_job_installs_software_from_a_package_registry()
    {
        var others = Directory.EnumerateFiles(Schedules, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("registry-refresh.yml", StringComparison.Ordinal)
                && !f.EndsWith("check.sh", StringComparison.Ordinal));
        foreach (var file in others)
        {
            Assert.DoesNotMatch(
                @"tool install|tool update|pip3? install|npm (i|install)|npx |go install|curl[^\n|]*\|\s*(ba)?sh",
                File.ReadAllText(file));
        }
    }

    [GeneratedRegex(@"dotnet tool install(?:[^\n]*\\\n)*[^\n]*")]
    private static partial Regex InstallCommand();

    [GeneratedRegex(@"^\s*REGISTRY_CLI_VERSION:\s*""([^""]*)""", RegexOptions.Multiline)]
    private static partial Regex CliVersion();

    [GeneratedRegex(@"^\s*-?\s*uses:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex UsesLine();
}
