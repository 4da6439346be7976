using Registry.Core;
using Registry.Core.Storage;
using Registry.Store.S3;

namespace Registry.Cli.Tests;

/// <summary>Opening a store from what <c>--store</c> names, asynchronously end to end (no server needed).</summary>
public sealed class StoreLocationTests
{
    [Fact]
    public async Task A_folder_location_opens_a_folder_store_and_writes_nothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), "registry-store-location", Guid.NewGuid().ToString("N"));

        using var store = await StoreLocation.OpenAsync(
            folder,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.IsType<FolderStore>(store);
        Assert.False(Directory.Exists(folder));
        Assert.Equal("registry-precondition-proof/1 folder", StoreLocation.Fingerprint(folder));
    }

    [Fact]
    public async Task A_url_is_refused_as_a_store()
    {
        var refused = await Assert.ThrowsAsync<EnvironmentException>(() => StoreLocation.OpenAsync(
            "https://cdn.example/registry/",
            cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("a URL is read-only", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_an_s3_registrys_settings_honours_the_callers_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StoreLocation.OpenAsync(
            "s3://bucket/registry",
            "http://127.0.0.1:9",
            publicRead: null,
            cancelled.Token));
    }

    [Fact]
    public void The_proof_fingerprint_names_the_s3_endpoint() =>
        Assert.NotEqual(
            StoreLocation.Fingerprint("s3://bucket/a", "http://127.0.0.1:9000"),
            StoreLocation.Fingerprint("s3://bucket/a", "http://127.0.0.1:9001"));
}
