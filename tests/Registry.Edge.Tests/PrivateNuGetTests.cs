using System.Security;
using Registry.Testing.Cli;

namespace Registry.Edge.Tests;

/// <summary>
/// The real NuGet client against a private feed behind the shipped verifier: NuGet sends Basic
/// credentials only after a 401 with WWW-Authenticate, so the edge must answer exactly that.
/// </summary>
[Collection(EdgeNuGetCollection.Name)]
public sealed class PrivateNuGetTests(PackedNuGetPackages packages)
{
    private static void WriteConfig(string project, string feed, string? token)
    {
        var credentials = token is null ? "" : $"""
              <packageSourceCredentials>
                <private>
                  <add key="Username" value="ci" />
                  <add key="ClearTextPassword" value="{SecurityElement.Escape(token)}" />
                </private>
              </packageSourceCredentials>
            """;
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="private" value="{SecurityElement.Escape(feed)}" allowInsecureConnections="true" />
              </packageSources>
            {credentials}
            </configuration>

            """);
    }

    [Fact]
    public async Task Dotnet_restores_a_private_feed_with_package_source_credentials_and_without_them_fails_naming_401()
    {
        await using var edge = await PrivateEdge.StartNuGetAsync([.. packages.All]);
        var (_, token) = await edge.IssueAsync("dotnet restore", "1d");
        var feed = new Uri(edge.EdgeBase, "nuget/v3/index.json").ToString();
        using var dotnet = new DotnetNuGet();

        var denied = dotnet.CreateConsoleProject(
            feed,
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" },
            name: "Denied");
        WriteConfig(denied, feed, token: null);
        var refused = await dotnet.RestoreAsync(denied);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("401", refused.Out + refused.Error, StringComparison.Ordinal);

        var granted = dotnet.CreateConsoleProject(
            feed,
            new Dictionary<string, string> { ["My.Lib"] = "[1.0.0, 2.0.0)" },
            name: "Granted");
        WriteConfig(granted, feed, token);
        var restored = await dotnet.RestoreAsync(granted);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["My.Dep"] = "1.0.0", ["My.Lib"] = "1.0.0" },
            DotnetNuGet.ResolvedPackages(granted));
    }
}
