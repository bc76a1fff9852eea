using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.CaseConference.Persistence;

/// <summary>The CaseConference service's own database: conferences (as snapshots), plus outbox and inbox.</summary>
public sealed class CaseConferenceDbContext(DbContextOptions<CaseConferenceDbContext> options) : MappaDbContext(options)
{
    public DbSet<ConferenceRecord> Conferences => Set<ConferenceRecord>();

    public DbSet<ConferenceSubjectRecord> ConferenceSubjects => Set<ConferenceSubjectRecord>();

    public DbSet<ConferenceRequestRecord> ConferenceRequests => Set<ConferenceRequestRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ConferenceRecord.Configure(modelBuilder);
    }
}
