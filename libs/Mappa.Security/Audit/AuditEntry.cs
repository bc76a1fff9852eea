using Mappa.Grpc;

namespace Mappa.Security;

/// <summary>
/// Who called what, about which subject, when, and how it ended. Holds ids only: no names, no request content,
/// so it can go to logs and to other stores without carrying personal detail.
/// </summary>
/// <param name="Time">When the call started.</param>
/// <param name="Caller">The caller's subject id, or "anonymous" when no valid token was presented.</param>
/// <param name="Agency">The caller's agency, empty when unknown.</param>
/// <param name="Method">"/package.Service/Method".</param>
/// <param name="SubjectId">The subject the call concerned, from the contract's subject_field (or set by the service).</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string Caller,
    string Agency,
    IReadOnlyList<string> Roles,
    string Method,
    string? SubjectId,
    StatusCode Outcome,
    string RequestId)
{
    public const string AnonymousCaller = "anonymous";
}

/// <summary>Where audit entries go. The default writes a structured log line; services may provide a store.</summary>
public interface IAuditSink
{
    ValueTask RecordAsync(AuditEntry entry, CancellationToken ct);
}
