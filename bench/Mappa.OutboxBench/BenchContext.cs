using Mappa.Messaging.Migrations;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.OutboxBench;

/// <summary>A row standing in for a service's data change, written in the same transaction as the event.</summary>
public sealed class ReviewRow
{
    public required string ObligationId { get; init; }
    public required string SubjectId { get; init; }
    public required DateOnly DueDate { get; init; }
}

public sealed class BenchContext(DbContextOptions<BenchContext> options) : MappaDbContext(options)
{
    public DbSet<ReviewRow> Reviews => Set<ReviewRow>();

    public static SchemaMigrations Migrations { get; } = new SchemaMigrations("bench")
        .Add(1, "create_reviews", "CREATE TABLE reviews (obligation_id TEXT NOT NULL PRIMARY KEY, subject_id TEXT NOT NULL, due_date TEXT NOT NULL)");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ReviewRow>(r =>
        {
            r.ToTable("reviews");
            r.HasKey(x => x.ObligationId);
            r.Property(x => x.ObligationId).HasColumnName("obligation_id");
            r.Property(x => x.SubjectId).HasColumnName("subject_id");
            r.Property(x => x.DueDate).HasColumnName("due_date");
        });
    }
}
