using System.Diagnostics;
using MassTransit;
using Mappa.Events.Scheduling;

namespace Mappa.OutboxBench;

/// <summary>Counts arrivals of one round and keeps each event's commit-to-consume latency.</summary>
public sealed class ArrivalCounter
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _round = "";
    private int _expected;
    private List<double> _latenciesMs = [];
    private long _from;

    public void Start(string round, int expected)
    {
        lock (_gate)
        {
            _round = round;
            _expected = expected;
            _from = 0;
            _latenciesMs = new List<double>(expected);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task Done => _done.Task;

    /// <summary>From now on, latency is measured from <paramref name="timestamp"/> (the commit) instead of each event's own timestamp.</summary>
    public void MeasureFrom(long timestamp)
    {
        lock (_gate) _from = timestamp;
    }

    public IReadOnlyList<double> LatenciesMs
    {
        get { lock (_gate) return _latenciesMs.ToArray(); }
    }

    public void Arrived(string round, long startedTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var latency = Stopwatch.GetElapsedTime(_from != 0 ? _from : startedTimestamp, now).TotalMilliseconds;
            if (round != _round) return; // a straggler from an earlier round
            _latenciesMs.Add(latency);
            if (_latenciesMs.Count == _expected) _done.TrySetResult();
        }
    }
}

/// <summary>The one consumer both paths deliver to (same queue, same settings), so only the path differs.</summary>
public sealed class ArrivalConsumer(ArrivalCounter counter) : IConsumer<ReviewDue>
{
    public Task Consume(ConsumeContext<ReviewDue> context)
    {
        // The round name and the writer's Stopwatch timestamp travel in additionalInformation.
        var info = context.Message.AdditionalInformation;
        counter.Arrived(info["round"], long.Parse(info["t"]));
        return Task.CompletedTask;
    }
}
