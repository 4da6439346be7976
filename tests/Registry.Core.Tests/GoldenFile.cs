using System.Runtime.CompilerServices;
using System.Text;

namespace Registry.Core.Tests;

/// <summary>
/// Compares bytes with a file under <c>Golden/</c> next to the tests. Set
/// <c>REGISTRY_UPDATE_GOLDEN=1</c> to rewrite the files from the current output.
/// </summary>
internal static class GoldenFile
{
    public static void AssertMatches(string name, byte[] actual, [CallerFilePath] string callerPath = "")
    {
        var folder = Path.Combine(FindTestsRoot(callerPath), "Golden");
        var path = Path.Combine(folder, name);
        if (Environment.GetEnvironmentVariable("REGISTRY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with REGISTRY_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllBytes(path);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
    }

    private static string FindTestsRoot(string callerPath)
    {
        var directory = Path.GetDirectoryName(callerPath)!;
        while (!File.Exists(Path.Combine(directory, "Registry.Core.Tests.csproj")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("test project folder not found");
        }

        return directory;
    }
}
