using Microsoft.Extensions.Time.Testing;

namespace Registry.Testing;

/// <summary>
/// The suite's one clock. A test that fixes the time makes ONE <see cref="FakeTimeProvider"/> and
/// gives that same instance to every component it builds (writer, auditor, collector, client,
/// mirror), then moves it with <c>Advance</c>: a component built without it would sign or check
/// against another day, which is exactly the date bomb this class exists to prevent. The
/// production constructors take a <see cref="TimeProvider"/> without a default for the same reason.
/// </summary>
/// <remarks>
/// A fake clock's timers fire only when the test advances it, so code that waits on the clock
/// (backoffs, timeouts, gc's settle time) must be driven with <see cref="RunAsync{T}"/>.
/// </remarks>
public static class TestClock
{
    /// <summary>
    /// The trait of tests whose outcome depends on file times the kernel stamps (gc's grace period on
    /// a folder store) compared with the process clock: the date-shifted run (libfaketime shifts the
    /// process clock, not the kernel's) leaves them out. <c>[Trait(TestClock.Trait, TestClock.FileTimes)]</c>.
    /// </summary>
    public const string Trait = "Clock";

    /// <summary>See <see cref="Trait"/>.</summary>
    public const string FileTimes = "file-times";

    /// <summary>The instant fixed-clock tests start from: a noon far from midnight and month ends.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock standing at <see cref="Start"/> (or <paramref name="at"/>) until a test moves it.</summary>
    public static FakeTimeProvider Fixed(DateTimeOffset? at = null) => new(at ?? Start);

    /// <summary>
    /// A clock standing at the process clock's now plus <paramref name="shift"/>: for a test that signs
    /// metadata "as if" earlier or later and then hands the result to a component that reads the process
    /// clock (the CLI run in or out of process). Under libfaketime the process clock is shifted, and this
    /// one with it.
    /// </summary>
    public static FakeTimeProvider FromNow(TimeSpan shift = default) => new(TimeProvider.System.GetUtcNow() + shift);

    /// <summary>How far <paramref name="clock"/> has moved since <paramref name="since"/>.</summary>
    public static TimeSpan Since(this FakeTimeProvider clock, DateTimeOffset since) => clock.GetUtcNow() - since;

    /// <summary>
    /// Runs <paramref name="work"/> while moving <paramref name="clock"/> forward in <paramref name="step"/>s
    /// (a few real milliseconds apart, so continuations run), until it completes or <paramref name="limit"/>
    /// of fake time has passed; then awaits it. Lets code that waits on the clock finish in real milliseconds.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        this FakeTimeProvider clock,
        Func<Task<T>> work,
        TimeSpan step,
        TimeSpan? limit = null,
        CancellationToken cancellationToken = default)
    {
        var start = clock.GetUtcNow();
        var task = work();
        while (!task.IsCompleted && clock.GetUtcNow() - start < (limit ?? TimeSpan.FromHours(1)))
        {
            clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(3, cancellationToken)).ConfigureAwait(false);
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the write time of every file under <paramref name="folder"/> (a folder store's
    /// LastModified, what gc's grace period reads) to <paramref name="when"/>, an instant taken from
    /// the test's clock, so that "30 days old" means 30 days before the clock the collector runs on,
    /// not before the machine's clock.
    /// </summary>
    public static void BackdateFiles(string folder, DateTimeOffset when)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, when.UtcDateTime);
        }
    }
}
