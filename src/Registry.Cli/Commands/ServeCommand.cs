using System.CommandLine;
using Registry.Cli.Internal;
using Registry.Serve;

namespace Registry.Cli.Commands;

/// <summary><c>registry serve</c>: a folder store over HTTP with origin headers, for local use and tests.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("folder") { Description = "The registry folder to serve" };
        var port = new Option<int>("--port", "-p") {
            Description = "Port (0: any free port)",
            DefaultValueFactory = _ => 8080 }.InRange(0, 65535);
        var host = new Option<string>("--host") {
            Description = "Address to listen on",
            DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("serve", "Serve a registry folder over HTTP with the headers an S3 origin sends "
            + "(ETag, 304, Cache-Control, Range); not for production");
        command.Arguments.Add(folder);
        command.Options.Add(port);
        command.Options.Add(host);
        command.SetAction(async (parse, ct) =>
        {
            var server = await RegistryServer.StartAsync(
                parse.GetValue(folder)!,
                parse.GetValue(port),
                parse.GetValue(host)!,
                ct).ConfigureAwait(false);
            await using (server.ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync(
                    $"serving {Path.GetFullPath(parse.GetValue(folder)!)} at {server.BaseUri}").ConfigureAwait(false);
                await context.Out.FlushAsync(ct).ConfigureAwait(false);
                // Returns on SIGTERM/SIGINT (the host's console lifetime) or when the token is cancelled.
                try
                {
                    await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return CliApp.Ok;
        });
        return command;
    }
}
