namespace Mappa.Scheduling.Features.ConferenceSlots;

/// <summary>One participant's busy time, merged into sorted disjoint periods.</summary>
internal sealed class BusyTimeline
{
    private readonly TimeRange[] _periods;
    private int _cursor;

    public BusyTimeline(IEnumerable<TimeRange> busy)
    {
        var merged = new List<TimeRange>();
        foreach (var period in busy.Where(p => p.End > p.Start).OrderBy(p => p.Start))
        {
            if (merged.Count > 0 && period.Start <= merged[^1].End)
            {
                if (period.End > merged[^1].End)
                    merged[^1] = merged[^1] with { End = period.End };
            }
            else
            {
                merged.Add(period);
            }
        }
        _periods = [.. merged];
    }

    /// <summary>
    /// Free for the whole of <paramref name="slot"/>? For slots asked in increasing start order only: the cursor
    /// moves forward, so a scan of all candidates costs one pass over the busy periods.
    /// </summary>
    public bool IsFreeScanning(TimeRange slot)
    {
        while (_cursor < _periods.Length && _periods[_cursor].End <= slot.Start)
            _cursor++;
        return _cursor == _periods.Length || _periods[_cursor].Start >= slot.End;
    }

    /// <summary>Free for the whole of <paramref name="slot"/>, asked in any order.</summary>
    public bool IsFree(TimeRange slot)
    {
        // First period ending after the slot starts; the slot is free unless that period starts before it ends.
        int low = 0, high = _periods.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_periods[middle].End <= slot.Start)
                low = middle + 1;
            else
                high = middle;
        }
        return low == _periods.Length || _periods[low].Start >= slot.End;
    }
}
