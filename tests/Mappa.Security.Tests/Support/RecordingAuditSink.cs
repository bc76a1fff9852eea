namespace Mappa.Security.Tests.Support;

public sealed class RecordingAuditSink : IAuditSink
{
    public List<AuditEntry> Entries { get; } = [];

    public ValueTask RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        lock (Entries)
        {
            Entries.Add(entry);
        }
        return ValueTask.CompletedTask;
    }
}
