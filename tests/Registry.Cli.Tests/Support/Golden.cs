using System.Runtime.CompilerServices;

namespace Registry.Cli.Tests.Support;

/// <summary>Compares text with <c>Golden/NAME</c>; <c>REGISTRY_UPDATE_GOLDEN=1</c> rewrites it.</summary>
internal static class Golden
{
    public static void AssertMatches(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.GetDirectoryName(callerPath)!;
        while (!File.Exists(Path.Combine(directory, "Registry.Cli.Tests.csproj")))
        {
            directory = Path.GetDirectoryName(directory)!;
        }

        var path = Path.Combine(directory, "Golden", name);
        if (Environment.GetEnvironmentVariable("REGISTRY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with REGISTRY_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
