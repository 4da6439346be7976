using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Registry.Serve.Internal;

/// <summary>
/// The smallest ASP.NET Core host that serves one handler: Kestrel, the console lifetime
/// (SIGTERM/Ctrl+C stop it), and nothing read from the current folder.
/// </summary>
/// <remarks>
/// The default builders use the current folder as the content root and load
/// <c>appsettings*.json</c> from it with reload-on-change, which starts a recursive file
/// watcher there: on Linux one inotify watch per subfolder, enumerated at start-up, so
/// <c>registry serve</c> run from a large tree took seconds to minutes to start (and read
/// whatever appsettings.json happened to lie there). The empty builder has no configuration
/// sources, no logging providers and no file watchers; the content root is the tool's own
/// folder, which holds no <c>wwwroot</c>.
/// </remarks>
internal static class OriginHost
{
    public static WebApplicationBuilder Create(string url)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls(url);
        return builder;
    }
}
