using Mappa.Messaging.Inbox;
using Mappa.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mappa.Messaging.Persistence;

/// <summary>EF Core mapping of the outbox and inbox tables; it must match <see cref="Migrations.MessagingSchema"/>.</summary>
internal static class MessagingModel
{
    private static readonly ValueConverter<DateTimeOffset, long> UnixMilliseconds =
        new(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    private static readonly ValueConverter<DateTimeOffset?, long?> NullableUnixMilliseconds =
        new(v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : null,
            v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);

    public static void Apply(ModelBuilder modelBuilder, bool sqlite)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Sequence);
            outbox.Property(m => m.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
            outbox.Property(m => m.EventId).HasColumnName("event_id");
            outbox.Property(m => m.EventType).HasColumnName("event_type");
            outbox.Property(m => m.EventVersion).HasColumnName("event_version");
            outbox.Property(m => m.SubjectKey).HasColumnName("subject_key");
            outbox.Property(m => m.SubjectPosition).HasColumnName("subject_position");
            outbox.Property(m => m.Payload).HasColumnName("payload");
            outbox.Property(m => m.Attempts).HasColumnName("attempts");
            outbox.Property(m => m.LastError).HasColumnName("last_error");
            var occurredAt = outbox.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            var recordedAt = outbox.Property(m => m.RecordedAt).HasColumnName("recorded_at");
            var sentAt = outbox.Property(m => m.SentAt).HasColumnName("sent_at");
            if (sqlite)
            {
                occurredAt.HasConversion(UnixMilliseconds);
                recordedAt.HasConversion(UnixMilliseconds);
                sentAt.HasConversion(NullableUnixMilliseconds);
            }
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.MessageId).HasColumnName("message_id");
            inbox.Property(m => m.Consumer).HasColumnName("consumer");
            var receivedAt = inbox.Property(m => m.ReceivedAt).HasColumnName("received_at");
            if (sqlite) receivedAt.HasConversion(UnixMilliseconds);
        });
    }
}
