using System.Globalization;
using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar;

/// <summary>The filters of ListReviewObligations, already translated from the contract.</summary>
public sealed record ObligationFilter(string Area, DateOnly? DueFrom, DateOnly? DueTo, bool OverdueOnly, string SubjectId);

/// <summary>
/// Reads the review calendar. Every query is scoped to the caller's areas: an obligation outside them is reported as
/// not found, and lists and streams simply do not contain it.
/// </summary>
public sealed class ReviewCalendarQueries(SchedulingDbContext db, SchedulingClock clock, MilestoneTiming timing)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public async Task<ObligationRecord> GetAsync(string obligationId, CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(obligationId))
            throw new ValidationFailedException("obligation_id", "Required.");
        var record = await db.Obligations.AsNoTracking().FirstOrDefaultAsync(o => o.ObligationId == obligationId, cancellationToken);
        if (record is null || !caller.CanSeeArea(record.Area))
            throw new NotFoundException("ReviewObligation", obligationId);
        return record;
    }

    /// <summary>Earliest due first (then by id); the page token is the last (due day, id) of the previous page.</summary>
    public async Task<(IReadOnlyList<ObligationRecord> Obligations, string NextPageToken)> ListAsync(
        int pageSize, string pageToken, ObligationFilter filter, CallerIdentity caller, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (pageSize < 0)
            violations.Add(new("page_size", "Must not be negative."));
        var after = pageToken.Length > 0 ? DecodeKey(pageToken) : null;
        if (pageToken.Length > 0 && after is null)
            violations.Add(new("page_token", "Not a token this service issued."));
        if (filter.DueFrom is { } from && filter.DueTo is { } to && from > to)
            violations.Add(new("due_to", "Must not be before due_from."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);

        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        IQueryable<ObligationRecord> query = db.Obligations.AsNoTracking();
        if (filter.Area.Length > 0)
        {
            if (!caller.CanSeeArea(filter.Area))
                return ([], "");
            query = query.Where(o => o.Area == filter.Area);
        }
        else if (!caller.IsNational)
        {
            var areas = caller.Areas.ToArray();
            query = query.Where(o => areas.Contains(o.Area));
        }
        if (filter.SubjectId.Length > 0)
            query = query.Where(o => o.SubjectId == filter.SubjectId);
        if (filter.DueFrom is { } dueFrom)
        {
            var day = dueFrom.DayNumber;
            query = query.Where(o => o.DueDay >= day);
        }
        if (filter.DueTo is { } dueTo)
        {
            var day = dueTo.DayNumber;
            query = query.Where(o => o.DueDay <= day);
        }
        if (filter.OverdueOnly)
        {
            var today = timing.DateOf(clock.Now).DayNumber;
            query = query.Where(o => o.State == (int)ObligationState.Open && o.DueDay < today);
        }
        if (after is { } key)
            query = query.Where(o => o.DueDay > key.DueDay || (o.DueDay == key.DueDay && string.Compare(o.ObligationId, key.ObligationId) > 0));

        var page = await query.OrderBy(o => o.DueDay).ThenBy(o => o.ObligationId).Take(size + 1).ToListAsync(cancellationToken);
        var next = page.Count > size ? EncodeKey(page[size - 1]) : "";
        return (page.Take(size).ToList(), next);
    }

    /// <summary>
    /// Milestones after <paramref name="afterPosition"/> that the caller may see (optionally one area), in log order, with
    /// their obligations.
    /// </summary>
    public async Task<IReadOnlyList<(MilestoneRecord Milestone, ObligationRecord Obligation)>> MilestonesAfterAsync(
        long afterPosition, string area, CallerIdentity caller, int max, CancellationToken cancellationToken)
    {
        IQueryable<MilestoneRecord> query = db.Milestones.AsNoTracking().Where(m => m.Position > afterPosition);
        if (area.Length > 0)
            query = query.Where(m => m.Area == area);
        else if (!caller.IsNational)
        {
            var areas = caller.Areas.ToArray();
            query = query.Where(m => areas.Contains(m.Area));
        }
        var milestones = await query.OrderBy(m => m.Position).Take(max).ToListAsync(cancellationToken);
        var ids = milestones.Select(m => m.ObligationId).Distinct().ToList();
        var obligations = await db.Obligations.AsNoTracking().Where(o => ids.Contains(o.ObligationId))
            .ToDictionaryAsync(o => o.ObligationId, StringComparer.Ordinal, cancellationToken);
        return milestones.Select(m => (m, obligations[m.ObligationId])).ToList();
    }

    /// <summary>The newest milestone position (0 when none): where a stream without a cursor starts.</summary>
    public async Task<long> LatestPositionAsync(CancellationToken cancellationToken) =>
        await db.Milestones.MaxAsync(m => (long?)m.Position, cancellationToken) ?? 0;

    /// <summary>The position just before the first milestone that fell due at or after <paramref name="instant"/>.</summary>
    public async Task<long> PositionBeforeAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var at = Instants.ToStored(instant);
        var first = await db.Milestones.Where(m => m.FallsDueAt >= at).MinAsync(m => (long?)m.Position, cancellationToken);
        return first is { } position ? position - 1 : await LatestPositionAsync(cancellationToken);
    }

    public static string EncodeCursor(long position) => PageTokens.Encode("m" + position.ToString(CultureInfo.InvariantCulture));

    public static long? DecodeCursor(string cursor) =>
        PageTokens.Decode(cursor) is { } key && key.StartsWith('m')
        && long.TryParse(key.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    private static string EncodeKey(ObligationRecord last) =>
        PageTokens.Encode(last.DueDay.ToString(CultureInfo.InvariantCulture) + "|" + last.ObligationId);

    private static (int DueDay, string ObligationId)? DecodeKey(string token)
    {
        var key = PageTokens.Decode(token);
        var bar = key?.IndexOf('|') ?? -1;
        if (key is null || bar <= 0 || !int.TryParse(key.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var dueDay))
            return null;
        return (dueDay, key[(bar + 1)..]);
    }
}
