namespace Mappa.Scheduling.Features.Milestones;

/// <summary>The moments in a review obligation's life that subscribers are told about.</summary>
public enum MilestoneKind
{
    /// <summary>The lead time before the due date has begun.</summary>
    DueSoon,

    /// <summary>Today is the due date.</summary>
    Due,

    /// <summary>The first working day after the due date has come and the obligation is still open.</summary>
    Overdue,

    /// <summary>Still overdue: repeated at the reminder cadence until completed or cancelled.</summary>
    Reminder,

    Completed,

    /// <summary>No longer required (withdrawn or superseded): subscribers holding an overdue item can clear it.</summary>
    Cancelled,
}

public static class MilestoneKindNames
{
    /// <summary>The stable lower-case name used in milestone ids and event types.</summary>
    public static string ToSlug(this MilestoneKind kind) => kind switch
    {
        MilestoneKind.DueSoon => "due-soon",
        MilestoneKind.Due => "due",
        MilestoneKind.Overdue => "overdue",
        MilestoneKind.Reminder => "reminder",
        MilestoneKind.Completed => "completed",
        MilestoneKind.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
