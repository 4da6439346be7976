using Microsoft.AspNetCore.Http;
using Registry.Log;
using Registry.Serve.Internal;

namespace Registry.Serve;

/// <summary>
/// <c>registry witness serve</c>: a C2SP tlog-witness over HTTP, <c>POST /add-checkpoint</c> (everything
/// else 404), for the logs it is configured with. Logs each answer through the <c>onAnswer</c> callback.
/// </summary>
public sealed class WitnessServer : IAsyncDisposable
{
    private readonly OriginHost _host;

    private WitnessServer(OriginHost host) => _host = host;

    public Uri BaseUri => _host.BaseUri;

    public static async Task<WitnessServer> StartAsync(
        Witness witness,
        int port,
        string host = "127.0.0.1",
        Action<string>? onAnswer = null,
        CancellationToken cancellationToken = default)
    {
        var started = await OriginHost.StartAsync(host, port, async context =>
        {
            if (context.Request.Path != "/add-checkpoint" || !HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.StatusCode = context.Request.Path == "/add-checkpoint" ? 405 : 404;
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            var answer = buffer.Length > Witness.MaxBodyBytes
                ? new WitnessAnswer(400, "request too large\n")
                : await witness.AddCheckpointAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
            onAnswer?.Invoke($"add-checkpoint: {answer.Status} {answer.Body.Split('\n')[0]}");
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new WitnessServer(started);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken)
        => _host.WaitForShutdownAsync(cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
