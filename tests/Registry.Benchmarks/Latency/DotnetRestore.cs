using System.Security;
using System.Text.Json;
using Registry.Benchmarks.Hex;

namespace Registry.Benchmarks.Latency;

/// <summary>
/// <c>dotnet restore</c> as a fresh CI machine runs it, isolated in one folder: its own global
/// packages folder and HTTP cache (emptied by <see cref="ResetCaches"/>), HOME, a
/// <c>nuget.config</c> that clears every source but the feed, and no Directory.Build files from
/// above. The same isolation as the CLI tests' DotnetNuGet helper.
/// </summary>
internal sealed class DotnetRestore
{
    private readonly string _root;
    private readonly string _feed;
    private int _caches;
    private string _packages = "";
    private string _httpCache = "";

    public DotnetRestore(string root, string feed)
    {
        _root = root;
        _feed = feed;
        Directory.CreateDirectory(Path.Combine(root, "home"));
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(
            Path.Combine(root, "Directory.Packages.props"),
            "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>"
            + "</PropertyGroup></Project>\n");
        ResetCaches();
    }

    public void ResetCaches()
    {
        _caches++;
        _packages = Path.Combine(_root, $"packages-{_caches}");
        _httpCache = Path.Combine(_root, $"http-cache-{_caches}");
        Directory.CreateDirectory(_packages);
    }

    public string CreateProject(IReadOnlyDictionary<string, string> references, string name)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        var items = string.Concat(references.Select(r => "    <PackageReference "
            + $"Include=\"{SecurityElement.Escape(r.Key)}\" Version=\"{SecurityElement.Escape(r.Value)}\" />\n"));
        File.WriteAllText(Path.Combine(folder, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {items}  </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="bench" value="{SecurityElement.Escape(_feed)}" allowInsecureConnections="true" />
              </packageSources>
            </configuration>

            """);
        return folder;
    }

    public Task<ProcResult> RestoreAsync(string project) => Proc.RunAsync(
        "dotnet",
        ["restore", "--disable-build-servers"],
        project,
        new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(_root, "home"),
            ["DOTNET_CLI_HOME"] = Path.Combine(_root, "home"),
            ["NUGET_PACKAGES"] = _packages,
            ["NUGET_HTTP_CACHE_PATH"] = _httpCache,
            ["NUGET_PLUGINS_CACHE_PATH"] = Path.Combine(_root, "home", "plugins-cache"),
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
            ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        });

    /// <summary>Packages in <c>obj/project.assets.json</c>'s libraries.</summary>
    public static int ResolvedCount(string project)
    {
        using var assets = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(project, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Count(l => l.Value.TryGetProperty("type", out var t) && t.ValueEquals("package"));
    }
}
