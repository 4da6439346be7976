using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace Registry.Testing;

/// <summary>
/// Compares output with a file under <c>Golden/</c> in the calling test project's folder.
/// <c>REGISTRY_UPDATE_GOLDEN=1</c> rewrites the files from the current output.
/// </summary>
public static class Golden
{
    /// <summary>Compares text (CLI help, error output) with <c>Golden/NAME</c>.</summary>
    public static void AssertMatches(string name, string actual, [CallerFilePath] string callerPath = "") =>
        AssertMatches(name, Encoding.UTF8.GetBytes(actual), callerPath);

    /// <summary>
    /// Compares bytes (an index document) with <c>Golden/NAME</c>; a difference is shown as UTF-8 text.
    /// </summary>
    public static void AssertMatches(string name, byte[] actual, [CallerFilePath] string callerPath = "")
    {
        var folder = Path.Combine(ProjectFolder(callerPath), "Golden");
        var path = Path.Combine(folder, name);
        if (Environment.GetEnvironmentVariable("REGISTRY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(path, actual);
            return;
        }

        Assert.True(
            File.Exists(path),
            $"golden file {path} is missing; run the tests with REGISTRY_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(Encoding.UTF8.GetString(File.ReadAllBytes(path)), Encoding.UTF8.GetString(actual));
    }

    private static string ProjectFolder(string callerPath)
    {
        var directory = Path.GetDirectoryName(callerPath)!;
        while (Directory.GetFiles(directory, "*.csproj").Length == 0)
        {
            directory = Path.GetDirectoryName(directory)
                ?? throw new InvalidOperationException($"no test project above {callerPath}");
        }

        return directory;
    }
}
