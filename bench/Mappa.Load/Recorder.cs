using System.Collections.Concurrent;
using System.Diagnostics;
using Mappa.Grpc;

namespace Mappa.Load;

/// <summary>Latencies per RPC and outcomes by status, collected by one client (no locks on the hot path) and merged at the end.</summary>
public sealed class Recorder
{
    public Dictionary<string, List<double>> LatenciesMs { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Rpc, string Status), long> Errors { get; } = [];
    public List<string> ErrorSamples { get; } = [];

    public bool Recording { get; set; } = true;

    /// <summary>False once the measured window has passed: later calls (holding the conferences still pending) are only counted.</summary>
    public Func<bool> InWindow { get; set; } = () => true;

    public Dictionary<string, long> CallsAfterWindow { get; } = new(StringComparer.Ordinal);

    public async Task<T> Time<T>(string rpc, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call();
            if (Recording && InWindow())
            {
                if (!LatenciesMs.TryGetValue(rpc, out var list)) LatenciesMs[rpc] = list = [];
                list.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else if (Recording)
            {
                CallsAfterWindow[rpc] = CallsAfterWindow.GetValueOrDefault(rpc) + 1;
            }
            return result;
        }
        catch (RpcException e)
        {
            Fail(rpc, e.StatusCode.ToString(), e.Message);
            throw new CallFailedException(rpc, e);
        }
        catch (Exception e) when (e is not CallFailedException and not OperationCanceledException)
        {
            Fail(rpc, "Client:" + e.GetType().Name, e.Message);
            throw new CallFailedException(rpc, e);
        }
    }

    private void Fail(string rpc, string status, string message)
    {
        // Failures count in warm-up too: the run must be clean from the first call.
        Errors[(rpc, status)] = Errors.GetValueOrDefault((rpc, status)) + 1;
        if (ErrorSamples.Count < 5) ErrorSamples.Add($"{rpc}: {status}: {message}");
    }

    public static Recorder Merge(IEnumerable<Recorder> recorders)
    {
        var merged = new Recorder();
        foreach (var recorder in recorders)
        {
            foreach (var (rpc, list) in recorder.LatenciesMs)
            {
                if (!merged.LatenciesMs.TryGetValue(rpc, out var into)) merged.LatenciesMs[rpc] = into = [];
                into.AddRange(list);
            }
            foreach (var (key, count) in recorder.Errors) merged.Errors[key] = merged.Errors.GetValueOrDefault(key) + count;
            foreach (var (rpc, count) in recorder.CallsAfterWindow) merged.CallsAfterWindow[rpc] = merged.CallsAfterWindow.GetValueOrDefault(rpc) + count;
            merged.ErrorSamples.AddRange(recorder.ErrorSamples.Take(5 - Math.Min(5, merged.ErrorSamples.Count)));
        }
        return merged;
    }
}

/// <summary>A call of the mix failed; the client starts its next iteration (the failure is already counted).</summary>
public sealed class CallFailedException(string rpc, Exception inner) : Exception($"{rpc} failed: {inner.Message}", inner);

public static class Percentiles
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
