using System.Security.Cryptography;
using System.Text;
using Mappa.Events;
using Mappa.Events.Scheduling;
using Mappa.Scheduling.Persistence;

namespace Mappa.Scheduling.Features.Milestones;

/// <summary>Turns a milestone into the event subscribers receive: thin (ids, dates, area), never names or narrative.</summary>
public static class MilestoneEvents
{
    public const string GetReviewObligationMethod = "/mappa.scheduling.v1.ReviewCalendarService/GetReviewObligation";

    /// <summary>
    /// The event id of a milestone, derived from its id (a name-based UUID, version 8), so the outbox's unique event id is
    /// one more guard against publishing a milestone twice.
    /// </summary>
    public static Guid EventIdFor(string milestoneId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("mappa.scheduling.milestone:" + milestoneId));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);   // version 8 (custom)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);   // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    public static DomainEvent Create(Milestone milestone, ObligationRecord obligation, MilestoneTiming timing)
    {
        var kind = (ReviewKind)obligation.ReviewKind;
        var eventId = EventIdFor(milestone.Id);
        var subject = SubjectReference.Of(obligation.SubjectId);
        var detail = new DetailLink(GetReviewObligationMethod, "obligation_id", obligation.ObligationId);
        var extra = new Dictionary<string, string>
        {
            ["milestoneId"] = milestone.Id.Length <= AdditionalInformationLimits.MaxValueLength ? milestone.Id : milestone.Id[..AdditionalInformationLimits.MaxValueLength],
            ["milestoneKind"] = milestone.Kind.ToSlug(),
        };
        return milestone.Kind switch
        {
            MilestoneKind.DueSoon => new ReviewDueSoon
            {
                EventId = eventId, OccurredAt = milestone.FallsDueAt, Subject = subject, Detail = detail, AdditionalInformation = extra,
                ObligationId = obligation.ObligationId, Kind = kind, DueDate = milestone.DueDate, Area = obligation.Area,
            },
            MilestoneKind.Due => new ReviewDue
            {
                EventId = eventId, OccurredAt = milestone.FallsDueAt, Subject = subject, Detail = detail, AdditionalInformation = extra,
                ObligationId = obligation.ObligationId, Kind = kind, DueDate = milestone.DueDate, Area = obligation.Area,
            },
            MilestoneKind.Overdue or MilestoneKind.Reminder => new ReviewOverdue
            {
                EventId = eventId, OccurredAt = milestone.FallsDueAt, Subject = subject, Detail = detail, AdditionalInformation = extra,
                ObligationId = obligation.ObligationId, Kind = kind, DueDate = milestone.DueDate, Area = obligation.Area,
                DaysOverdue = DaysOverdue(milestone),
            },
            MilestoneKind.Completed => new ReviewCompleted
            {
                EventId = eventId, OccurredAt = milestone.FallsDueAt, Subject = subject, Detail = detail, AdditionalInformation = extra,
                ObligationId = obligation.ObligationId, Kind = kind, DueDate = milestone.DueDate,
                CompletedOn = timing.DateOf(milestone.FallsDueAt),
            },
            MilestoneKind.Cancelled => new ReviewCancelled
            {
                EventId = eventId, OccurredAt = milestone.FallsDueAt, Subject = subject, Detail = detail, AdditionalInformation = extra,
                ObligationId = obligation.ObligationId, Kind = kind, DueDate = milestone.DueDate, Area = obligation.Area,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(milestone), milestone.Kind, null),
        };
    }

    /// <summary>Calendar days from the due date to the milestone's planned date (0 for milestones that are not overdue).</summary>
    public static int DaysOverdue(Milestone milestone) =>
        milestone.Kind is MilestoneKind.Overdue or MilestoneKind.Reminder && milestone.PlannedDate is { } planned
            ? planned.DayNumber - milestone.DueDate.DayNumber
            : 0;
}
