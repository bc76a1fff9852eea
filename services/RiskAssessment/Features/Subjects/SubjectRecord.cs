using Microsoft.EntityFrameworkCore;

namespace Mappa.RiskAssessment.Features.Subjects;

/// <summary>A person managed under MAPPA, as stored. Ids are version-7 GUIDs, so their text sorts by creation time.</summary>
public sealed class SubjectRecord
{
    public required string SubjectId { get; init; }

    /// <summary>The client's request id of the call that created it, so a retried create returns this record.</summary>
    public string? RequestId { get; init; }

    public required int Category { get; init; }

    public required int Level { get; init; }

    public required int LeadAgency { get; init; }

    public required string Area { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>Unix milliseconds: portable across SQLite and PostgreSQL.</summary>
    public required long CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    /// <summary>When supervision in the community started (day number), if known: completion deadlines run from it.</summary>
    public int? SupervisionStartDay { get; set; }

    public List<SubjectIdentifierRecord> Identifiers { get; init; } = [];

    internal static void Configure(ModelBuilder model)
    {
        model.Entity<SubjectRecord>(subject =>
        {
            subject.ToTable("subjects");
            subject.HasKey(s => s.SubjectId);
            subject.Property(s => s.SubjectId).HasColumnName("subject_id");
            subject.Property(s => s.RequestId).HasColumnName("request_id");
            subject.Property(s => s.Category).HasColumnName("category");
            subject.Property(s => s.Level).HasColumnName("level");
            subject.Property(s => s.LeadAgency).HasColumnName("lead_agency");
            subject.Property(s => s.Area).HasColumnName("area");
            subject.Property(s => s.DisplayName).HasColumnName("display_name");
            subject.Property(s => s.CreatedAt).HasColumnName("created_at");
            subject.Property(s => s.CreatedBy).HasColumnName("created_by");
            subject.Property(s => s.SupervisionStartDay).HasColumnName("supervision_start_day");
            subject.HasMany(s => s.Identifiers).WithOne().HasForeignKey(i => i.SubjectId);
        });
        model.Entity<SubjectIdentifierRecord>(identifier =>
        {
            identifier.ToTable("subject_identifiers");
            identifier.HasKey(i => new { i.Type, i.Value });
            identifier.Property(i => i.Type).HasColumnName("type");
            identifier.Property(i => i.Value).HasColumnName("value");
            identifier.Property(i => i.SubjectId).HasColumnName("subject_id");
        });
    }
}

/// <summary>An external identifier ({type, value}) of a subject; unique across subjects.</summary>
public sealed class SubjectIdentifierRecord
{
    public required string Type { get; init; }

    public required string Value { get; init; }

    public required string SubjectId { get; init; }
}
