using Microsoft.Extensions.Time.Testing;
using Registry.Core.Publishing;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Testing;

namespace Registry.Core.Tests.Publishing;

/// <summary>
/// The set-up the log tests share: a registry with a transparency log in a temporary folder (removed
/// afterwards), its keys beside it, and one fixed clock for every component the test builds.
/// </summary>
public abstract class LogTests : IDisposable
{
    protected const string Origin = "registry.example/log";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Clock { get; } = TestClock.Fixed();

    protected string Root { get; } = Path.Combine(
        Path.GetTempPath(),
        "registry-log-tests",
        Guid.NewGuid().ToString("N"));

    protected string Site => Path.Combine(Root, "site");

    /// <summary>Initialises <paramref name="store"/> with 4 bins and the log; returns its keys (Root/keys).</summary>
    protected async Task<KeyRing> InitAsync(IObjectStore store)
    {
        var keys = KeyRing.Load(Path.Combine(Root, "keys"));
        await new RegistryInitializer(store, keys, Clock).InitAsync(
            new InitOptions { Bins = 4, LogOrigin = Origin },
            Ct);
        return keys;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
