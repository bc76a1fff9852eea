using Mappa.Core.Errors;

namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// How far ahead "due soon" is announced and how often an overdue obligation is repeated. Both are in calendar days
/// (the dates they give are then moved onto working days). Kept on each obligation, so changing the configured
/// default later does not rewrite plans already made.
/// </summary>
public sealed record MilestonePolicy
{
    public static readonly MilestonePolicy Default = new(leadTimeDays: 14, reminderCadenceDays: 7);

    public MilestonePolicy(int leadTimeDays, int reminderCadenceDays)
    {
        var violations = new List<FieldViolation>();
        if (leadTimeDays is < 0 or > 366)
            violations.Add(new("lead_time_days", "Must be between 0 (no due-soon notice) and 366."));
        if (reminderCadenceDays is < 1 or > 366)
            violations.Add(new("reminder_cadence_days", "Must be between 1 and 366."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);

        LeadTimeDays = leadTimeDays;
        ReminderCadenceDays = reminderCadenceDays;
    }

    /// <summary>Days before the due date for the due-soon notice; 0 sends none.</summary>
    public int LeadTimeDays { get; }

    public int ReminderCadenceDays { get; }
}
