using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Registry.Testing.Cli;
using Registry.Serve;

namespace Registry.Client.Tests;

/// <summary>
/// The serve host reads no configuration files and so starts no file watcher (a recursive
/// watcher on the current folder made start-up take seconds to minutes in a large tree).
/// </summary>
public sealed class ServeHostTests : IDisposable
{
    private readonly TestRegistry _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Serve_host_has_no_file_configuration_and_its_content_root_is_the_tool_folder()
    {
        await _registry.InitAsync();
        await using var server = await RegistryServer.StartAsync(
            _registry.Store,
            0,
            cancellationToken: TestContext.Current.CancellationToken);

        var configuration = (IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>();
        Assert.DoesNotContain(configuration.Providers, p => p is FileConfigurationProvider);
        var environment = server.Services.GetRequiredService<IHostEnvironment>();
        Assert.Equal(
            Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory),
            Path.TrimEndingDirectorySeparator(environment.ContentRootPath));
    }
}
