using Mappa.Messaging.Persistence;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Features.Subjects;
using Microsoft.EntityFrameworkCore;

namespace Mappa.RiskAssessment.Persistence;

/// <summary>The RiskAssessment service's own database: subjects and their assessments, plus outbox and inbox.</summary>
public sealed class RiskAssessmentDbContext(DbContextOptions<RiskAssessmentDbContext> options) : MappaDbContext(options)
{
    public DbSet<SubjectRecord> Subjects => Set<SubjectRecord>();

    public DbSet<SubjectIdentifierRecord> SubjectIdentifiers => Set<SubjectIdentifierRecord>();

    public DbSet<AssessmentRecord> Assessments => Set<AssessmentRecord>();

    public DbSet<ReviewDateRecord> ReviewDates => Set<ReviewDateRecord>();

    public DbSet<AuditEntryRecord> AuditEntries => Set<AuditEntryRecord>();

    public DbSet<DraftRecord> Drafts => Set<DraftRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        SubjectRecord.Configure(modelBuilder);
        AssessmentRecord.Configure(modelBuilder);
        AuditEntryRecord.Configure(modelBuilder);
        DraftRecord.Configure(modelBuilder);
    }
}
