namespace Registry.Client.Internal;

/// <summary>
/// The requests one reader may have in flight at once (its connections), handed out in order of
/// urgency: a waiting metadata request (timestamp, root, snapshot, bins, index documents: each one
/// the next step of a resolution) gets the next free slot before a waiting artifact download, so a
/// wave of downloads started early never delays the round trips the resolution still needs.
/// First come, first served within each class.
/// </summary>
internal sealed class RequestSlots(int count)
{
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _bulk = new();
    private readonly int _count = Math.Max(1, count);
    private int _free = Math.Max(1, count);
    private int _bulkBusy;

    /// <summary>
    /// Downloads may hold at most half the slots while metadata is also in flight, so the next
    /// metadata round trip always finds slots free; alone, they may use every slot.
    /// </summary>
    private bool BulkMayStart => _free > 0 && (_bulkBusy < Math.Max(1, _count / 2) || _count - _free == _bulkBusy);

    public async Task WaitAsync(bool bulk, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_urgent)
        {
            if (bulk ? BulkMayStart && _urgent.Count == 0 : _free > 0)
            {
                _free--;
                _bulkBusy += bulk ? 1 : 0;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (bulk ? _bulk : _urgent).Enqueue(waiter);
        }

        // A cancelled waiter stays queued; Release skips it (TrySetResult fails on a cancelled task).
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    public void Release(bool bulk)
    {
        lock (_urgent)
        {
            _free++;
            _bulkBusy -= bulk ? 1 : 0;
            while (_free > 0 && _urgent.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                {
                    _free--;
                }
            }

            while (BulkMayStart && _bulk.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                {
                    _free--;
                    _bulkBusy++;
                }
            }
        }
    }
}
