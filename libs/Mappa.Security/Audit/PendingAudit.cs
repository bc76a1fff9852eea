using Mappa.Grpc;
using Mappa.Grpc.Server;

namespace Mappa.Security;

/// <summary>
/// The audit record of the call in progress, before its outcome is known. A service that wants the record in
/// the same database transaction as its change calls <see cref="Claim"/> inside the transaction and stores the
/// entry itself; the <see cref="AuditInterceptor"/> then skips the sink if the call succeeds, and still writes
/// one (with the real outcome) if the call fails after all, since the service's transaction was then rolled back.
/// </summary>
public sealed class PendingAudit
{
    private static readonly AsyncLocal<PendingAudit?> CurrentCall = new();

    private readonly ServerCallContext _context;

    /// <summary>
    /// The pending audit of the audited call running on this async flow (set by the <see cref="AuditInterceptor"/>),
    /// so code deep in a handler (a store saving the change) can claim it without being handed the call context.
    /// Null outside audited calls, e.g. in message consumers.
    /// </summary>
    public static PendingAudit? Current
    {
        get => CurrentCall.Value;
        internal set => CurrentCall.Value = value;
    }

    internal PendingAudit(ServerCallContext context, DateTimeOffset time, string method, string? subjectId, string requestId)
    {
        _context = context;
        Time = time;
        Method = method;
        SubjectId = subjectId;
        RequestId = requestId;
    }

    public DateTimeOffset Time { get; }

    public string Method { get; }

    public string RequestId { get; }

    /// <summary>From the request's subject_field; a service may set it when the call creates the subject.</summary>
    public string? SubjectId { get; private set; }

    /// <summary>True once a service has taken the entry to store with its own change.</summary>
    public bool IsClaimed { get; private set; }

    /// <summary>
    /// Gives the claimed entry back when the transaction holding it rolled back and the call goes on (e.g. it answers
    /// with an earlier result): the interceptor then writes the entry itself, so the call is not left unaudited.
    /// </summary>
    public void Release() => IsClaimed = false;

    public void SetSubject(string subjectId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subjectId);
        SubjectId = AuditSubjectIds.Sanitize(subjectId);
    }

    /// <summary>The entry as it will read if the call succeeds, for the service to store in its transaction.</summary>
    public AuditEntry Claim()
    {
        IsClaimed = true;
        return ToEntry(StatusCode.OK);
    }

    internal AuditEntry ToEntry(StatusCode outcome)
    {
        var caller = _context.TryGetCaller();
        return new AuditEntry(
            Time,
            caller?.Subject ?? AuditEntry.AnonymousCaller,
            caller?.Agency ?? "",
            caller?.Roles ?? [],
            Method,
            SubjectId,
            outcome,
            RequestId);
    }
}

/// <summary>Access to the pending audit record from a handler.</summary>
public static class PendingAuditExtensions
{
    internal static readonly object ItemKey = new();

    /// <summary>The pending audit record, or null when the method is not audited.</summary>
    public static PendingAudit? PendingAudit(this ServerCallContext context) =>
        context.Items.TryGetValue(ItemKey, out var pending) ? pending as PendingAudit : null;
}

internal static class AuditSubjectIds
{
    public const string Malformed = "(malformed)";

    // Subject ids come from the client: keep only what looks like an id, so a name typed into an id field
    // never reaches the audit log.
    public static string? Sanitize(string? raw) =>
        raw is null ? null : RequestIds.IsPlausible(raw) ? raw : Malformed;
}
