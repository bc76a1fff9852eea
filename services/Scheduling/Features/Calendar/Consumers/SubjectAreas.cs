using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar.Consumers;

/// <summary>
/// The area of each subject, learned from events that carry it (subject registered, assessment recorded, conference
/// scheduled), for events that do not (review date set, level decided, action due date set).
/// </summary>
public sealed class SubjectAreas(SchedulingDbContext db, SchedulingClock clock)
{
    /// <summary>Remembers the subject's area (and, the first time, when it became known: the population of the compliance figures).</summary>
    public async Task<SubjectAreaRecord> RememberAsync(string subjectId, string area, CancellationToken cancellationToken)
    {
        var known = db.SubjectAreas.Local.FirstOrDefault(s => s.SubjectId == subjectId)
            ?? await db.SubjectAreas.FirstOrDefaultAsync(s => s.SubjectId == subjectId, cancellationToken);
        if (known is null)
        {
            known = new SubjectAreaRecord { SubjectId = subjectId, Area = area, KnownSince = Instants.ToStored(Instants.Now(clock)) };
            db.SubjectAreas.Add(known);
        }
        else
        {
            known.Area = area;
        }
        return known;
    }

    /// <summary>
    /// The subject's area. Throws when it is not known yet (the event that carries it may still be on its way through
    /// another queue): the consumer's retry then handles the message again a moment later.
    /// </summary>
    public async Task<string> RequireAsync(string subjectId, CancellationToken cancellationToken) =>
        await FindAsync(subjectId, cancellationToken) ?? throw new SubjectAreaUnknownException(subjectId);

    /// <summary>The subject's area, or null when it is not known (yet).</summary>
    public async Task<string?> FindAsync(string subjectId, CancellationToken cancellationToken)
    {
        var local = db.SubjectAreas.Local.FirstOrDefault(s => s.SubjectId == subjectId);
        if (local is not null)
            return local.Area;
        return await db.SubjectAreas.Where(s => s.SubjectId == subjectId).Select(s => s.Area).FirstOrDefaultAsync(cancellationToken);
    }
}

public sealed class SubjectAreaUnknownException(string subjectId)
    : Exception($"The area of subject {subjectId} is not known yet; the event will be retried.")
{
    public string SubjectId { get; } = subjectId;
}
