namespace Registry.Testing.Cli;

/// <summary>
/// Real .nupkg files made once per test run by <c>dotnet pack</c> (two MSBuild runs, about
/// 10-30 s here): My.Dep 1.0.0 and 1.1.0; My.Lib 1.0.0, 1.1.0 and 2.0.0-beta.1, each
/// depending on My.Dep <c>[1.0.0, 2.0.0)</c>. Shared by the classes of the
/// collection <c>dotnet-nuget</c> of the CLI tests (which therefore run one after the other).
/// </summary>
public sealed class PackedNuGetPackages : IAsyncLifetime
{
    public const string Lib = "My.Lib";
    public const string Dep = "My.Dep";
    public const string DepRange = "[1.0.0, 2.0.0)";

    private readonly DotnetNuGet _dotnet = new();

    /// <summary>The folder holding every packed .nupkg (also usable as a local package source).</summary>
    public string Folder => Path.Combine(_dotnet.Root, "nupkgs");

    public static IReadOnlyList<LibrarySpec> Dependencies { get; } =
    [
        new(Dep, "1.0.0"),
        new(Dep, "1.1.0"),
    ];

    public static IReadOnlyList<LibrarySpec> Libraries { get; } =
    [
        new(Lib, "1.0.0", new Dictionary<string, string> { [Dep] = DepRange }),
        new(Lib, "1.1.0", new Dictionary<string, string> { [Dep] = DepRange }),
        new(Lib, "2.0.0-beta.1", new Dictionary<string, string> { [Dep] = DepRange }),
    ];

    /// <summary>Every packed file, dependencies first.</summary>
    public IReadOnlyList<string> All
        => [.. Dependencies.Concat(Libraries).Select(l => Path.Combine(Folder, l.FileName))];

    /// <summary>The path of one packed file, e.g. <c>Nupkg("My.Lib", "1.0.0")</c>.</summary>
    public string Nupkg(string id, string version)
    {
        var path = Path.Combine(Folder, $"{id}.{version}.nupkg");
        return File.Exists(path) ? path : throw new ArgumentException($"{id} {version} was not packed by this fixture");
    }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await _dotnet.PackAsync(Folder, [.. Dependencies]);
            await _dotnet.PackAsync(Folder, [.. Libraries]);
        }
        catch
        {
            // A fixture whose InitializeAsync threw is not disposed: remove the folder here.
            _dotnet.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _dotnet.Dispose();
        return ValueTask.CompletedTask;
    }
}
