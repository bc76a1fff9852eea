using Microsoft.Extensions.Logging;

namespace Mappa.Security;

/// <summary>Writes each audit entry as one structured Information line (category Mappa.Audit), ids only.</summary>
public sealed partial class LoggingAuditSink : IAuditSink
{
    public const string CategoryName = "Mappa.Audit";

    private readonly ILogger _logger;

    public LoggingAuditSink(ILoggerFactory loggerFactory) => _logger = loggerFactory.CreateLogger(CategoryName);

    public ValueTask RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        LogEntry(
            _logger, entry.Method, entry.Outcome, entry.Caller, entry.Agency, string.Join(',', entry.Roles),
            entry.SubjectId ?? "", entry.RequestId, entry.Time);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(
        EventId = 9000,
        Level = LogLevel.Information,
        Message = "Audit {Method} {Outcome} caller={Caller} agency={Agency} roles={Roles} subject={SubjectId} request={RequestId} at={Time}")]
    private static partial void LogEntry(
        ILogger logger, string method, Grpc.StatusCode outcome, string caller, string agency, string roles,
        string subjectId, string requestId, DateTimeOffset time);
}
