using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mappa.Scheduling.Persistence;

/// <summary>The Scheduling service's own database: the review calendar, recorded milestones, outbox and inbox.</summary>
public sealed class SchedulingDbContext(DbContextOptions<SchedulingDbContext> options) : MappaDbContext(options)
{
    public DbSet<ObligationRecord> Obligations => Set<ObligationRecord>();
    public DbSet<RevisionRecord> Revisions => Set<RevisionRecord>();
    public DbSet<MilestoneRecord> Milestones => Set<MilestoneRecord>();
    public DbSet<SubjectAreaRecord> SubjectAreas => Set<SubjectAreaRecord>();
    public DbSet<KnownAssessmentRecord> KnownAssessments => Set<KnownAssessmentRecord>();
    public DbSet<BookedConferenceRecord> BookedConferences => Set<BookedConferenceRecord>();
    public DbSet<HeldConferenceRecord> HeldConferences => Set<HeldConferenceRecord>();
    public DbSet<AttendanceRecord> Attendance => Set<AttendanceRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ObligationRecord.Configure(modelBuilder);
    }

    /// <summary>
    /// Claims <paramref name="count"/> consecutive milestone positions inside the open transaction. The counter row stays
    /// locked until commit, so positions follow commit order and a stream reading "after position p" never skips a row
    /// that commits later with a smaller position.
    /// </summary>
    public async Task<long> ClaimMilestonePositionsAsync(int count, CancellationToken cancellationToken)
    {
        var connection = Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Milestone positions are claimed inside the transaction that records them.");
        command.CommandText = "UPDATE scheduling_counters SET value = value + @count WHERE name = 'milestones' RETURNING value";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@count";
        parameter.Value = (long)count;
        command.Parameters.Add(parameter);
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return last - count + 1;
    }
}
