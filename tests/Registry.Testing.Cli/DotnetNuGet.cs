using System.Diagnostics;
using System.Security;
using System.Text;
using System.Text.Json;

namespace Registry.Testing.Cli;

/// <summary>A class library to pack: its package id, version and PackageReferences (id to version or range).</summary>
public sealed record LibrarySpec(string Id, string Version, IReadOnlyDictionary<string, string>? Dependencies = null)
{
    public string FileName => $"{Id}.{Version}.nupkg";
}

/// <summary>
/// The real <c>dotnet</c> CLI in an isolated NuGet environment inside a temporary folder
/// (deleted on dispose): its own global packages folder, HTTP cache, HOME and
/// DOTNET_CLI_HOME, no MSBuild or NuGet variables inherited from the test host, and a
/// <c>nuget.config</c> per project that clears every source but the one given. Nothing is
/// read from nuget.org or the machine's caches: a net10.0 project restores with the SDK's
/// bundled targeting pack, and the packages come from the feed under test.
/// </summary>
public sealed class DotnetNuGet : IDisposable
{
    /// <summary>
    /// Longest any single dotnet command may run here: a stuck command, not a slow one. Pack and
    /// restore take seconds on an idle machine, but a pack of two projects took over 3 minutes
    /// on 2 cores at a load average of 32 (several builds at once), which is not a defect.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(8);

    private int _caches;

    public DotnetNuGet()
    {
        Root = Path.Combine(Path.GetTempPath(), "registry-dotnet-nuget", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "home"));
        Directory.CreateDirectory(Path.Combine(Root, "projects"));

        // Stop MSBuild's upward search for Directory.Build.props/.targets and central package
        // management files at this folder, whatever lies above it.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(
            Path.Combine(Root, "Directory.Packages.props"),
            "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>"
            + "</PropertyGroup></Project>\n");
        ResetCaches();
    }

    public string Root { get; }

    /// <summary>NUGET_PACKAGES: the global packages folder, empty after <see cref="ResetCaches"/>.</summary>
    public string PackagesFolder { get; private set; } = "";

    /// <summary>NUGET_HTTP_CACHE_PATH: NuGet keeps versions lists here for 30 minutes, whatever Cache-Control
    /// says.</summary>
    public string HttpCacheFolder { get; private set; } = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts over with an empty global packages folder and HTTP cache: the next restore is what
    /// a fresh machine (a CI runner) would do.
    /// </summary>
    public void ResetCaches()
    {
        _caches++;
        PackagesFolder = Path.Combine(Root, $"packages-{_caches}");
        HttpCacheFolder = Path.Combine(Root, $"http-cache-{_caches}");
        Directory.CreateDirectory(PackagesFolder);
    }

    /// <summary>
    /// Writes <c>nuget.config</c> into <paramref name="directory"/>: every inherited source
    /// cleared, then <paramref name="source"/> only (a v3 service index URL or a local folder).
    /// </summary>
    public static void WriteNuGetConfig(string directory, string source)
    {
        var insecure = source.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            ? " allowInsecureConnections=\"true\""
            : "";
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="test" value="{SecurityElement.Escape(source)}"{insecure} />
              </packageSources>
              <disabledPackageSources>
                <clear />
              </disabledPackageSources>
            </configuration>

            """);
    }

    /// <summary>
    /// Packs class libraries with one <c>dotnet pack</c> of a generated solution (one MSBuild run
    /// for all: each separate pack costs seconds) into <paramref name="outputFolder"/>, which is
    /// also the only package source, so dependencies packed by an earlier call resolve offline.
    /// A library must not depend on one packed in the same call. Returns the .nupkg paths in order.
    /// </summary>
    public async Task<IReadOnlyList<string>> PackAsync(string outputFolder, params LibrarySpec[] libraries)
    {
        ArgumentOutOfRangeException.ThrowIfZero(libraries.Length);
        Directory.CreateDirectory(outputFolder);
        var batch = Path.Combine(Root, "projects", $"pack-{Guid.NewGuid():N}");
        Directory.CreateDirectory(batch);
        var solution = new StringBuilder("<Solution>\n");
        foreach (var library in libraries)
        {
            var folder = Path.Combine(batch, $"{library.Id}-{library.Version}");
            Directory.CreateDirectory(folder);
            var references = string.Concat((library.Dependencies ?? new Dictionary<string, string>()).Select(d =>
                $"    <PackageReference Include=\"{SecurityElement.Escape(d.Key)}\" "
                + $"Version=\"{SecurityElement.Escape(d.Value)}\" />\n"));
            // Project names must differ within a solution: the version is in the file name, the
            // assembly keeps the id.
            var description = $"{SecurityElement.Escape(library.Id)} {SecurityElement.Escape(library.Version)}, "
                + "packed by a test";
            File.WriteAllText(Path.Combine(folder, $"{library.Id}-{library.Version}.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <PackageId>{SecurityElement.Escape(library.Id)}</PackageId>
                    <AssemblyName>{SecurityElement.Escape(library.Id)}</AssemblyName>
                    <Version>{SecurityElement.Escape(library.Version)}</Version>
                    <Authors>registry tests</Authors>
                    <Description>{description}</Description>
                    <PackageLicenseExpression>MIT</PackageLicenseExpression>
                    <NoWarn>$(NoWarn);NU5104</NoWarn>
                    <NuGetAudit>false</NuGetAudit>
                    <GenerateDocumentationFile>false</GenerateDocumentationFile>
                  </PropertyGroup>
                  <ItemGroup>
                {references}  </ItemGroup>
                </Project>

                """);
            var ns = "Lib_" + new string(library.Id.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
            File.WriteAllText(Path.Combine(
                folder,
                "Library.cs"), $"namespace {ns};\n\npublic static class Library\n{{\n    public const string Version = "
                    + $"\"{library.Version}\";\n}}\n");
            solution.Append(CultureInvariant(
                $"  <Project Path=\"{library.Id}-{library.Version}/{library.Id}-{library.Version}.csproj\" />\n"));
        }

        solution.Append("</Solution>\n");
        File.WriteAllText(Path.Combine(batch, "pack.slnx"), solution.ToString());
        WriteNuGetConfig(batch, Path.GetFullPath(outputFolder));
        var result = await RunAsync(
            batch,
            DefaultTimeout,
            "pack",
            "pack.slnx",
            "-c",
            "Release",
            "-o",
            Path.GetFullPath(outputFolder),
            "--disable-build-servers",
            "-nodeReuse:false");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed\n{result}");
        }

        var packed = libraries.Select(l => Path.Combine(outputFolder, l.FileName)).ToList();
        foreach (var path in packed.Where(p => !File.Exists(p)))
        {
            throw new InvalidOperationException($"dotnet pack did not write {path}\n{result}");
        }

        return packed;
    }

    /// <summary>
    /// Creates a net10.0 console project whose only package source is <paramref name="source"/>,
    /// with a PackageReference per entry of <paramref name="references"/> (id to version or range),
    /// optionally restoring with a lock file. Returns the project's folder.
    /// </summary>
    public string CreateConsoleProject(
        string source,
        IReadOnlyDictionary<string, string> references,
        bool lockFile = false,
        string name = "App")
    {
        var folder = Path.Combine(Root, "projects", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var items = string.Concat(references.Select(r =>
            $"    <PackageReference Include=\"{SecurityElement.Escape(r.Key)}\" "
            + $"Version=\"{SecurityElement.Escape(r.Value)}\" />\n"));
        File.WriteAllText(Path.Combine(folder, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RestorePackagesWithLockFile>{(lockFile ? "true" : "false")}</RestorePackagesWithLockFile>
              </PropertyGroup>
              <ItemGroup>
            {items}  </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), "System.Console.WriteLine(\"hello\");\n");
        WriteNuGetConfig(folder, source);
        return folder;
    }

    /// <summary><c>dotnet restore</c> in a project folder (extra arguments such as <c>--locked-mode</c>).</summary>
    public Task<CliResult> RestoreAsync(string project, params string[] extra) =>
        RunAsync(project, DefaultTimeout, ["restore", "--disable-build-servers", .. extra]);

    /// <summary><c>dotnet add package ID</c> (no version unless given in <paramref name="extra"/>, e.g. <c>--version
    /// 1.0.0</c> or <c>--prerelease</c>).</summary>
    public Task<CliResult> AddPackageAsync(string project, string id, params string[] extra) =>
        RunAsync(project, DefaultTimeout, ["add", "package", id, .. extra]);

    /// <summary>
    /// The packages a restore resolved, from <c>obj/project.assets.json</c> ("libraries" of type
    /// package): id to version. Empty when restore wrote no assets file.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ResolvedPackages(string project)
    {
        var path = Path.Combine(project, "obj", "project.assets.json");
        var resolved = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return resolved;
        }

        using var assets = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!assets.RootElement.TryGetProperty("libraries", out var libraries))
        {
            return resolved;
        }

        foreach (var library in libraries.EnumerateObject())
        {
            if (library.Value.TryGetProperty("type", out var type) && type.ValueEquals("package"))
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                resolved[library.Name[..slash]] = library.Name[(slash + 1)..];
            }
        }

        return resolved;
    }

    /// <summary>The PackageReference versions written in a project file (what <c>dotnet add package</c> chose): id to
    /// version.</summary>
    public static IReadOnlyDictionary<string, string> ProjectReferences(string project)
    {
        var file = Directory.EnumerateFiles(project, "*.csproj").Single();
        var document = System.Xml.Linq.XDocument.Load(file);
        return document.Descendants("PackageReference")
            .ToDictionary(
                e => (string)e.Attribute("Include")!,
                e => (string?)e.Attribute("Version") ?? "",
                StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> in this environment; kills it past
    /// <paramref name="timeout"/>.</summary>
    public async Task<CliResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test host may run under `dotnet test`, whose MSBuild and NuGet variables would
        // point the child at another SDK, node or config.
        foreach (var key in info.Environment.Keys.Where(k =>
            k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("NUGET_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase)
            // The date-shifted run (infra/test.sh) shifts our code's clock, not the peer's: the SDK's
            // build nodes under libfaketime fail at random (exit 82), which tests nothing of ours.
            || k.StartsWith("FAKETIME", StringComparison.Ordinal)
            || k is "LD_PRELOAD" or "NO_FAKE_STAT").ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in Environment())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new CliResult(
                -1,
                await output,
                $"dotnet {string.Join(' ', args)}: killed after {timeout.TotalSeconds} s\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>The variables that isolate each dotnet run.</summary>
    public IReadOnlyDictionary<string, string> Environment() => new Dictionary<string, string>
    {
        ["HOME"] = Path.Combine(Root, "home"),
        ["DOTNET_CLI_HOME"] = Path.Combine(Root, "home"),
        ["NUGET_PACKAGES"] = PackagesFolder,
        ["NUGET_HTTP_CACHE_PATH"] = HttpCacheFolder,
        ["NUGET_PLUGINS_CACHE_PATH"] = Path.Combine(Root, "home", "plugins-cache"),
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
        ["DOTNET_ADD_GLOBAL_TOOLS_TO_PATH"] = "0",
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
