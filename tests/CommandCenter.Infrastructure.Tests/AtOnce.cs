namespace CommandCenter.Infrastructure.Tests;

/// <summary>Starts calls at the same moment, to make a race between them likely.</summary>
internal static class AtOnce
{
    /// <summary>
    /// Runs <paramref name="count"/> calls, call <c>i</c> being <c>call(i)</c>, each on its own thread, released together
    /// once every thread is ready; returns their results in call order. Queued on the thread pool instead, they start in
    /// bursts on a small machine and two servers' first calls seldom overlap.
    /// </summary>
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> call)
    {
        using var ready = new Barrier(count);
        var calls = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(
            () =>
            {
                ready.SignalAndWait();
                return call(i);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap());
        return await Task.WhenAll(calls);
    }
}
