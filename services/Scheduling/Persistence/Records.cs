using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Persistence;

/// <summary>A review obligation as stored: the latest state plus every due-date revision (the planner needs them all).</summary>
public sealed class ObligationRecord
{
    public required string ObligationId { get; init; }
    public required string SubjectId { get; init; }
    public required string Area { get; set; }
    /// <summary>Mappa.Events.ReviewKind as its number.</summary>
    public required int ReviewKind { get; init; }
    /// <summary>Where it comes from, e.g. "riskassessment/assessments/{id}".</summary>
    public required string Source { get; init; }
    /// <summary>Mappa.Events.RiskInstrument for assessment reviews, when known.</summary>
    public int? Instrument { get; set; }
    public required int LeadTimeDays { get; init; }
    public required int ReminderCadenceDays { get; init; }
    /// <summary>Features.Milestones.ObligationState as its number.</summary>
    public int State { get; set; }
    /// <summary>The current due date's day number, for queries.</summary>
    public int DueDay { get; set; }
    public long RecordedAt { get; init; }
    public long? ClosedAt { get; set; }
    /// <summary>The sweep cursor: the instant of the first milestone not yet swept; null when nothing more will fall due.</summary>
    public long? WakeUpAt { get; set; }
    /// <summary>Optimistic concurrency: a consumer and a sweep changing one obligation at once cannot both win.</summary>
    public int Version { get; set; }
    public List<RevisionRecord> Revisions { get; init; } = [];

    internal static void Configure(ModelBuilder model)
    {
        model.Entity<ObligationRecord>(o =>
        {
            o.ToTable("review_obligations");
            o.HasKey(x => x.ObligationId);
            o.Property(x => x.ObligationId).HasColumnName("obligation_id");
            o.Property(x => x.SubjectId).HasColumnName("subject_id");
            o.Property(x => x.Area).HasColumnName("area");
            o.Property(x => x.ReviewKind).HasColumnName("review_kind");
            o.Property(x => x.Source).HasColumnName("source");
            o.Property(x => x.Instrument).HasColumnName("instrument");
            o.Property(x => x.LeadTimeDays).HasColumnName("lead_time_days");
            o.Property(x => x.ReminderCadenceDays).HasColumnName("reminder_cadence_days");
            o.Property(x => x.State).HasColumnName("state");
            o.Property(x => x.DueDay).HasColumnName("due_day");
            o.Property(x => x.RecordedAt).HasColumnName("recorded_at");
            o.Property(x => x.ClosedAt).HasColumnName("closed_at");
            o.Property(x => x.WakeUpAt).HasColumnName("wake_up_at");
            o.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            o.HasMany(x => x.Revisions).WithOne().HasForeignKey(r => r.ObligationId);
        });
        model.Entity<RevisionRecord>(r =>
        {
            r.ToTable("review_obligation_revisions");
            r.HasKey(x => new { x.ObligationId, x.Number });
            r.Property(x => x.ObligationId).HasColumnName("obligation_id");
            r.Property(x => x.Number).HasColumnName("number");
            r.Property(x => x.DueDay).HasColumnName("due_day");
            r.Property(x => x.EffectiveFrom).HasColumnName("effective_from");
        });
        model.Entity<MilestoneRecord>(m =>
        {
            m.ToTable("review_milestones");
            m.HasKey(x => x.Position);
            m.Property(x => x.Position).HasColumnName("position").ValueGeneratedNever();
            m.Property(x => x.MilestoneId).HasColumnName("milestone_id");
            m.Property(x => x.ObligationId).HasColumnName("obligation_id");
            m.Property(x => x.SubjectId).HasColumnName("subject_id");
            m.Property(x => x.Area).HasColumnName("area");
            m.Property(x => x.Kind).HasColumnName("kind");
            m.Property(x => x.ReviewKind).HasColumnName("review_kind");
            m.Property(x => x.DueDay).HasColumnName("due_day");
            m.Property(x => x.PlannedDay).HasColumnName("planned_day");
            m.Property(x => x.FallsDueAt).HasColumnName("falls_due_at");
            m.Property(x => x.RecordedAt).HasColumnName("recorded_at");
            m.Property(x => x.EventId).HasColumnName("event_id");
        });
        model.Entity<SubjectAreaRecord>(s =>
        {
            s.ToTable("subject_areas");
            s.HasKey(x => x.SubjectId);
            s.Property(x => x.SubjectId).HasColumnName("subject_id");
            s.Property(x => x.Area).HasColumnName("area");
            s.Property(x => x.KnownSince).HasColumnName("known_since");
            s.Property(x => x.SupervisionStartDay).HasColumnName("supervision_start_day");
        });
        model.Entity<BookedConferenceRecord>(c =>
        {
            c.ToTable("booked_conferences");
            c.HasKey(x => x.ConferenceId);
            c.Property(x => x.ConferenceId).HasColumnName("conference_id");
            c.Property(x => x.SubjectId).HasColumnName("subject_id");
            c.Property(x => x.Area).HasColumnName("area");
            c.Property(x => x.StartsAt).HasColumnName("starts_at");
            c.Property(x => x.Level).HasColumnName("level");
            c.Property(x => x.Sequence).HasColumnName("sequence");
            c.Property(x => x.Cancelled).HasColumnName("cancelled");
        });
        model.Entity<KnownAssessmentRecord>(a =>
        {
            a.ToTable("known_assessments");
            a.HasKey(x => x.AssessmentId);
            a.Property(x => x.AssessmentId).HasColumnName("assessment_id");
            a.Property(x => x.SubjectId).HasColumnName("subject_id");
            a.Property(x => x.Instrument).HasColumnName("instrument");
            a.Property(x => x.RecordedAt).HasColumnName("recorded_at");
            a.Property(x => x.SupersededAt).HasColumnName("superseded_at");
        });
        model.Entity<HeldConferenceRecord>(c =>
        {
            c.ToTable("held_conferences");
            c.HasKey(x => x.ConferenceId);
            c.Property(x => x.ConferenceId).HasColumnName("conference_id");
            c.Property(x => x.Area).HasColumnName("area");
            c.Property(x => x.HeldDay).HasColumnName("held_day");
        });
        model.Entity<AttendanceRecord>(a =>
        {
            a.ToTable("conference_attendance");
            a.HasKey(x => new { x.ConferenceId, x.Agency });
            a.Property(x => x.ConferenceId).HasColumnName("conference_id");
            a.Property(x => x.Agency).HasColumnName("agency");
            a.Property(x => x.Status).HasColumnName("status");
        });
    }
}

public sealed class RevisionRecord
{
    public required string ObligationId { get; init; }
    public required int Number { get; init; }
    public required int DueDay { get; init; }
    public required long EffectiveFrom { get; init; }
}

/// <summary>
/// A milestone recorded for publication. <see cref="MilestoneId"/> is unique, so a milestone is recorded (and its event
/// written to the outbox in the same transaction) once; <see cref="Position"/> follows commit order, for stream cursors.
/// </summary>
public sealed class MilestoneRecord
{
    public required long Position { get; init; }
    public required string MilestoneId { get; init; }
    public required string ObligationId { get; init; }
    public required string SubjectId { get; init; }
    public required string Area { get; init; }
    /// <summary>Features.Milestones.MilestoneKind as its number.</summary>
    public required int Kind { get; init; }
    public required int ReviewKind { get; init; }
    public required int DueDay { get; init; }
    public int? PlannedDay { get; init; }
    public required long FallsDueAt { get; init; }
    public required long RecordedAt { get; init; }
    public required string EventId { get; init; }
}

/// <summary>Which area a subject belongs to, learned from the owning services' events (not every event carries it).</summary>
public sealed class SubjectAreaRecord
{
    public required string SubjectId { get; init; }
    public required string Area { get; set; }
    /// <summary>When this service first heard of the subject (Unix milliseconds, scheduling clock); null for subjects known before it was kept.</summary>
    public long? KnownSince { get; set; }
    /// <summary>The start of supervision (day number) when RiskAssessment said; completion deadlines run from it.</summary>
    public int? SupervisionStartDay { get; set; }
}

/// <summary>An assessment seen in a RiskAssessment event: its subject and instrument, for the review-date events that name only the assessment.</summary>
public sealed class KnownAssessmentRecord
{
    public required string AssessmentId { get; init; }
    public required string SubjectId { get; init; }
    public required int Instrument { get; init; }
    /// <summary>When it was recorded here (Unix milliseconds, scheduling clock); null for assessments known before it was kept.</summary>
    public long? RecordedAt { get; set; }
    /// <summary>When a correction superseded it; a superseded assessment no longer counts as current.</summary>
    public long? SupersededAt { get; set; }
}

/// <summary>A MAPPA meeting that was held, in the area it was booked in: the population of the attendance figures.</summary>
public sealed class HeldConferenceRecord
{
    public required string ConferenceId { get; init; }
    public required string Area { get; set; }
    public required int HeldDay { get; set; }
}

/// <summary>
/// One agency's attendance at a held meeting, as CaseConference's event named it (AGENCY_KIND_*, ATTENDANCE_STATUS_*);
/// the latest recording wins (attendance can be corrected until the minutes).
/// </summary>
public sealed class AttendanceRecord
{
    public required string ConferenceId { get; init; }
    public required string Agency { get; init; }
    public required string Status { get; set; }
}

/// <summary>A MAPPA meeting booked in the CaseConference service, as its events told us: for slot search and calendar export.</summary>
public sealed class BookedConferenceRecord
{
    public required string ConferenceId { get; init; }
    public required string SubjectId { get; init; }
    public required string Area { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public required long StartsAt { get; set; }
    /// <summary>MAPPA level 1 to 3 when the scheduling event said.</summary>
    public int? Level { get; set; }
    /// <summary>Incremented on every change, for the calendar's SEQUENCE (so invitees' calendars replace the old copy).</summary>
    public int Sequence { get; set; }
    /// <summary>1 when CaseConference cancelled it: no longer busy time, exported with STATUS:CANCELLED.</summary>
    public int Cancelled { get; set; }
}
