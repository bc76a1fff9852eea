using Microsoft.EntityFrameworkCore;

namespace Mappa.CaseConference.Persistence;

/// <summary>
/// A conference as stored: the whole aggregate as a JSON snapshot, plus the few columns queries filter and sort on.
/// <see cref="Version"/> is the optimistic-concurrency token: an update names the version it read, so of two
/// coordinators editing at once the second is refused instead of silently overwriting the first.
/// Ids are version-7 GUIDs, so their text sorts by creation time.
/// </summary>
public sealed class ConferenceRecord
{
    public required string ConferenceId { get; init; }

    /// <summary>The client's request id of the CreateConference call, so a retried create returns this conference.</summary>
    public string? RequestId { get; init; }

    /// <summary>The review obligation that proposed it; unique, so a review-due notice proposes one conference at most.</summary>
    public string? SourceObligationId { get; init; }

    public required string Area { get; set; }

    public required int Kind { get; set; }

    public required int Status { get; set; }

    /// <summary>Unix milliseconds of the start in force (or proposed); null when none is set.</summary>
    public long? StartTime { get; set; }

    /// <summary>Unix milliseconds of the meeting, once held: the statistics select on it.</summary>
    public long? HeldAt { get; set; }

    /// <summary>The invited agency kinds as "|1|2|11|", so an invited agency's query can filter in SQL.</summary>
    public required string InvitedAgencies { get; set; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; set; }

    public int Version { get; set; }

    /// <summary>The aggregate (see <see cref="ConferenceSnapshotJson"/>).</summary>
    public required string Snapshot { get; set; }

    public List<ConferenceSubjectRecord> Subjects { get; init; } = [];

    internal static void Configure(ModelBuilder model)
    {
        model.Entity<ConferenceRecord>(conference =>
        {
            conference.ToTable("conferences");
            conference.HasKey(c => c.ConferenceId);
            conference.Property(c => c.ConferenceId).HasColumnName("conference_id");
            conference.Property(c => c.RequestId).HasColumnName("request_id");
            conference.Property(c => c.SourceObligationId).HasColumnName("source_obligation_id");
            conference.Property(c => c.Area).HasColumnName("area");
            conference.Property(c => c.Kind).HasColumnName("kind");
            conference.Property(c => c.Status).HasColumnName("status");
            conference.Property(c => c.StartTime).HasColumnName("start_time");
            conference.Property(c => c.HeldAt).HasColumnName("held_at");
            conference.Property(c => c.InvitedAgencies).HasColumnName("invited_agencies");
            conference.Property(c => c.CreatedAt).HasColumnName("created_at");
            conference.Property(c => c.UpdatedAt).HasColumnName("updated_at");
            conference.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
            conference.Property(c => c.Snapshot).HasColumnName("snapshot");
            conference.HasMany(c => c.Subjects).WithOne().HasForeignKey(s => s.ConferenceId);
        });
        model.Entity<ConferenceSubjectRecord>(subject =>
        {
            subject.ToTable("conference_subjects");
            subject.HasKey(s => new { s.ConferenceId, s.SubjectId });
            subject.Property(s => s.ConferenceId).HasColumnName("conference_id");
            subject.Property(s => s.SubjectId).HasColumnName("subject_id");
        });
        model.Entity<ConferenceRequestRecord>(request =>
        {
            request.ToTable("conference_requests");
            request.HasKey(r => new { r.Method, r.RequestId });
            request.Property(r => r.Method).HasColumnName("method");
            request.Property(r => r.RequestId).HasColumnName("request_id");
            request.Property(r => r.ConferenceId).HasColumnName("conference_id");
            request.Property(r => r.ItemId).HasColumnName("item_id");
        });
    }
}

/// <summary>One subject of a conference: lets a subject's conferences be found without reading every snapshot.</summary>
public sealed class ConferenceSubjectRecord
{
    public required string ConferenceId { get; init; }

    public required string SubjectId { get; init; }
}

/// <summary>
/// A request id already answered by a call that adds to a conference (InviteAgency, AddPlanAction), and what it added,
/// so a retry returns the same invitation or action instead of adding another.
/// </summary>
public sealed class ConferenceRequestRecord
{
    public required string Method { get; init; }

    public required string RequestId { get; init; }

    public required string ConferenceId { get; init; }

    public string? ItemId { get; init; }
}
