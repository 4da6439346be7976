using Registry.Core;

namespace Registry.Client;

/// <summary>
/// A request that failed in transfer on every attempt: unreachable (exit code 2), or stalled, cut
/// short or too slow (exit code 1). The caller may try the next URL.
/// </summary>
public sealed class TransferException : RegistryException
{
    public TransferException(
        string message, int exitCode, int attempts, TimeSpan elapsed, long bytesRead, Exception? inner)
        : base(message, exitCode, inner)
    {
        Attempts = attempts;
        Elapsed = elapsed;
        BytesRead = bytesRead;
    }

    public TransferException() : this("transfer failed") { }

    public TransferException(string message) : base(message, 1) { }

    public TransferException(string message, Exception inner) : base(message, 1, inner) { }

    public int Attempts { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>Body bytes received over all attempts before giving up.</summary>
    public long BytesRead { get; }
}
