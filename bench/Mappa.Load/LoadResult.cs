namespace Mappa.Load;

public sealed record LoadResult(
    DateTimeOffset FinishedAt, int Clients, int Instances, int WarmUpSeconds, double MeasuredSeconds,
    MachineFigures Machine, BaselineFigures Baseline, RpcFigures Total, IReadOnlyList<RpcFigures> Rpcs,
    IReadOnlyList<ErrorFigures> Errors, IReadOnlyList<string> ErrorSamples, IReadOnlyList<ServiceFigures> Services,
    double? OutboxDrainedAfterSeconds, IReadOnlyList<QueueDepth>? QueuesAtEnd, SoakFigures? Soak)
{
    public long ErrorCount => Errors.Sum(e => e.Count);

    /// <summary>The run passes when no call failed and every service process is still alive.</summary>
    public bool Passed => ErrorCount == 0 && Services.All(s => s.Alive);
}

public sealed record MachineFigures(int Cpus, string CpuModel, double MemoryGiB, string LoadAverage, string Runtime, string Os);

public sealed record BaselineFigures(string Rpc, double PerSecond, double P50Ms, double P99Ms, int Failed);

/// <param name="Calls">Calls completed in the measured window (the rates and percentiles are of these).</param>
/// <param name="CallsAfterWindow">Calls after it, holding the conferences still pending, counted only.</param>
public sealed record RpcFigures(string Rpc, long Calls, double PerSecond, double P50Ms, double P95Ms, double P99Ms, long Errors, long CallsAfterWindow = 0);

public sealed record ErrorFigures(string Rpc, string Status, long Count);

public sealed record ServiceFigures(
    string Instance, int Pid, bool Alive, long RssBytes, long MaxRssBytes, double CpuCoresUsed, int Threads, int OpenFds,
    double GcHeapBytes, double OutboxUnsentAtEnd, double OutboxOldestAgeSecondsAtEnd,
    double ConsumedMessages, double ConsumerLagSumSeconds, double ConsumerLagP99Seconds)
{
    public double ConsumerLagMeanSeconds => ConsumedMessages > 0 ? ConsumerLagSumSeconds / ConsumedMessages : 0;
}

public sealed record ResourceSample(string Instance, double AtSeconds, long RssBytes, double GcHeapBytes, int OpenFds, int Threads);

public sealed record SoakFigures(double WarmUpSeconds, IReadOnlyList<SoakSeries> Series, bool Flat);

/// <summary>One resource of one instance over the run: first/last/max, and the least-squares slope after warm-up.</summary>
public sealed record SoakSeries(string Instance, string Resource, double First, double Last, double Max, double SlopePerMinute,
    double PredictedRiseOverWindow, double Tolerance, bool Flat, int Samples);

public sealed record QueueDepth(string Queue, long Messages);
