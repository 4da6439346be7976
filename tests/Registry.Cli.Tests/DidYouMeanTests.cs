using Registry.Testing.Cli;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// A mistyped command, option, package or dependency gets "did you mean"; bare <c>registry</c>
/// and <c>registry help</c> print help; the shell completion of docs/commands.md completes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DidYouMeanTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Theory]
    [InlineData(
        new[] { "publsh" },
        "registry: error: Unrecognized command or argument 'publsh'; did you mean 'publish'?")]
    [InlineData(new[] { "instal" }, "did you mean 'install'?")]
    [InlineData(new[] { "source", "ad" }, "did you mean 'add'?")]
    [InlineData(new[] { "verify", "--stroe", "x" }, "'--stroe'; did you mean '--store'?")]
    [InlineData(new[] { "install", "--lockd" }, "did you mean '--locked'?")]
    [InlineData(new[] { "publish", "--max-entires", "3", "x.tgz" }, "did you mean '--max-entries'?")]
    public async Task A_mistyped_command_or_option_gets_a_suggestion_and_exit_2(string[] args, string expected)
    {
        var result = await RegistryCli.RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Something_far_from_every_name_gets_no_suggestion()
    {
        var result = await RegistryCli.RunAsync("frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("did you mean", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    public async Task Bare_registry_and_registry_help_print_the_help(string line)
    {
        var result = await RegistryCli.RunAsync(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var help = await RegistryCli.RunAsync("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(help.Out, result.Out);
        Assert.Contains("Commands:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_help_command_prints_that_commands_help()
    {
        var result = await RegistryCli.RunAsync("help", "source", "add");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal((await RegistryCli.RunAsync("source", "add", "--help")).Out, result.Out);
    }

    [Fact]
    public async Task Yank_of_an_unknown_package_suggests_the_published_name_and_writes_nothing()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();

        var result = await RegistryCli.RunAsync(["yank", .. _registry.StoreArgs, "alpah", "1.0.0"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            "registry: error: no package 'alpah' in the registry; did you mean 'alpha'? [rule: package-unknown]\n",
            result.Error);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Publish_with_an_unknown_dependency_suggests_the_published_name_and_writes_nothing()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("str-util", "1.0.0"))).ExitCode);
        var before = _registry.StoreSnapshot();

        var result = await _registry.PublishAsync(_registry.Package("app", "1.0.0", """{"str-utils": "1.0.0"}"""));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(
            "depends on 'str-utils', which is not in the registry; did you mean 'str-util'? Otherwise publish it first",
            result.Error,
            StringComparison.Ordinal);
        Assert.Contains("[rule: dependency-unknown]", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, _registry.StoreSnapshot());
    }

    [Fact]
    public async Task Update_of_a_name_the_project_does_not_have_suggests_its_dependency()
    {
        await _registry.InitAsync();
        Assert.Equal(0, (await _registry.PublishAsync(_registry.Package("alpha", "1.0.0"))).ExitCode);
        await using var project = await ClientProject.StartAsync(_registry, """{"alpha": "1.0.0"}""");

        var result = await project.RunAsync("update", "alpah", "--project", project.Folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did you mean 'alpha'?", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Folder, "registry.lock")));
    }

    [Fact]
    public async Task The_documented_bash_completion_completes_commands_and_options()
    {
        var docs = File.ReadAllText(Path.Combine(InfraScript.RepositoryRoot, "docs", "commands.md"));
        var snippet = DocScript.Blocks(docs, "bash").Single(b => b.Contains("complete -F", StringComparison.Ordinal));
        var folder = Directory.CreateDirectory(Path.Combine(_registry.Root, "completion")).FullName;
        var script = snippet + """
            complete_line() { COMP_LINE="$1"; COMP_POINT=${#1}; read -ra COMP_WORDS <<<"$1"; [[ "$1" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _registry_complete; echo "${COMPREPLY[*]}"; }
            complete_line "registry pu"
            complete_line "registry publish --max-e"
            """;

        var result = await DocScript.RunAsync(folder, script);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["publish", "--max-entries"], result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
