namespace Registry.Client;

/// <summary>Timeouts and retries for every HTTP request the client and mirror send.</summary>
public sealed record HttpPolicy
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; init; } = 3;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
