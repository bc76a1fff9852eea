using System.Collections;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Common.V1;
using Mappa.Core.Errors;
using Mappa.Core.Paging;
using Mappa.Grpc.Server;
using Mappa.Messaging.Persistence;
using Mappa.Security;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Mappa.Messaging.Audit;

/// <summary>
/// The auditor RPCs (ListAuditEntries, VerifyAuditChain) of one service's <c>AuditLogService</c>, over that service's
/// audit log. Each service's contract declares its own request and response messages (the contracts' style rules
/// want one pair per RPC), all with the same fields, so one handler serves all three: it reads and writes them by
/// field name, and <see cref="Bind"/> checks at start-up that the contract has every field it needs.
/// </summary>
public sealed class AuditLogHandlers<TContext>(AuditLog<TContext> log) where TContext : MappaDbContext
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    private static readonly MethodInfo BindUnaryMethod =
        typeof(AuditLogHandlers<TContext>).GetMethod(nameof(BindUnary), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static void Bind(GrpcServiceBinder<AuditLogHandlers<TContext>> service)
    {
        var list = service.Service.FindMethodByName("ListAuditEntries")
            ?? throw new InvalidOperationException($"{service.Service.FullName} has no ListAuditEntries.");
        var verify = service.Service.FindMethodByName("VerifyAuditChain")
            ?? throw new InvalidOperationException($"{service.Service.FullName} has no VerifyAuditChain.");
        Require(list.InputType, ("page_size", FieldType.Int32), ("page_token", FieldType.String), ("subject_id", FieldType.String),
            ("caller", FieldType.String), ("start_time", FieldType.Message), ("end_time", FieldType.Message));
        Require(list.OutputType, ("entries", FieldType.Message), ("next_page_token", FieldType.String));
        Require(verify.InputType, ("start_position", FieldType.Int64), ("end_position", FieldType.Int64));
        Require(verify.OutputType, ("valid", FieldType.Bool), ("entries_checked", FieldType.Int64), ("first_broken_position", FieldType.Int64),
            ("problem", FieldType.Enum), ("detail", FieldType.String), ("last_position", FieldType.Int64), ("last_hash", FieldType.String));
        if (list.OutputType.FindFieldByName("entries").MessageType != AuditLogEntry.Descriptor)
            throw new InvalidOperationException($"{list.OutputType.FullName}.entries must be repeated mappa.common.v1.AuditLogEntry.");

        Func<AuditLogHandlers<TContext>, IMessage, ServerCallContext, Task<IMessage>> listHandler = (h, r, c) => h.ListAsync(r, list.OutputType, c);
        Func<AuditLogHandlers<TContext>, IMessage, ServerCallContext, Task<IMessage>> verifyHandler = (h, r, c) => h.VerifyAsync(r, verify.OutputType, c);
        BindUnaryMethod.MakeGenericMethod(list.InputType.ClrType, list.OutputType.ClrType).Invoke(null, [service, list.Name, listHandler]);
        BindUnaryMethod.MakeGenericMethod(verify.InputType.ClrType, verify.OutputType.ClrType).Invoke(null, [service, verify.Name, verifyHandler]);
    }

    private static void BindUnary<TRequest, TResponse>(GrpcServiceBinder<AuditLogHandlers<TContext>> service, string name,
        Func<AuditLogHandlers<TContext>, IMessage, ServerCallContext, Task<IMessage>> handler)
        where TRequest : class, IMessage
        where TResponse : class, IMessage =>
        service.Unary<TRequest, TResponse>(name, async (h, request, context) => (TResponse)await handler(h, request, context));

    private async Task<IMessage> ListAsync(IMessage request, MessageDescriptor responseType, ServerCallContext context)
    {
        var pageSize = (int)Get(request, "page_size")!;
        var pageToken = (string)Get(request, "page_token")!;
        var subjectId = ((string)Get(request, "subject_id")!).Trim();
        var caller = ((string)Get(request, "caller")!).Trim();
        var start = Get(request, "start_time") as Timestamp;
        var end = Get(request, "end_time") as Timestamp;

        var violations = new List<FieldViolation>();
        if (pageSize < 0) violations.Add(new("page_size", "Must not be negative."));
        long after = 0;
        if (pageToken.Length > 0 && (PageTokens.Decode(pageToken) is not { } key || !key.StartsWith("audit:", StringComparison.Ordinal)
            || !long.TryParse(key.AsSpan(6), out after) || after < 0))
        {
            violations.Add(new("page_token", "Not a token this service issued."));
        }
        if (subjectId.Length > 0 && !RequestIds.IsPlausibleId(subjectId)) violations.Add(new("subject_id", "Not a subject id."));
        if (caller.Length > 0 && !RequestIds.IsPlausibleId(caller)) violations.Add(new("caller", "Not a caller id."));
        DateTimeOffset? from = null, before = null;
        if (start is not null && !TryTime(start, out from)) violations.Add(new("start_time", "Not a valid time."));
        if (end is not null && !TryTime(end, out before)) violations.Add(new("end_time", "Not a valid time."));
        if (from is not null && before is not null && before <= from) violations.Add(new("end_time", "Must be after start_time."));
        if (violations.Count > 0) throw new ValidationFailedException(violations);

        // The auditor's own call is audited: the subject it asked about names the entry.
        if (subjectId.Length > 0) context.PendingAudit()?.SetSubject(subjectId);

        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var rows = await log.ListAsync(new AuditQuery(size + 1, after, NullIfEmpty(subjectId), NullIfEmpty(caller), from, before),
            context.CancellationToken);
        var response = (IMessage)Activator.CreateInstance(responseType.ClrType)!;
        var entries = (IList)responseType.FindFieldByName("entries").Accessor.GetValue(response);
        foreach (var row in rows.Take(size)) entries.Add(ToProto(row));
        responseType.FindFieldByName("next_page_token").Accessor.SetValue(response,
            rows.Count > size ? PageTokens.Encode($"audit:{rows[size - 1].Position}") : "");
        return response;
    }

    private async Task<IMessage> VerifyAsync(IMessage request, MessageDescriptor responseType, ServerCallContext context)
    {
        var start = (long)Get(request, "start_position")!;
        var end = (long)Get(request, "end_position")!;
        var violations = new List<FieldViolation>();
        if (start < 0) violations.Add(new("start_position", "Must not be negative."));
        if (end < 0) violations.Add(new("end_position", "Must not be negative."));
        if (end > 0 && end < start) violations.Add(new("end_position", "Must not be before start_position."));
        if (violations.Count > 0) throw new ValidationFailedException(violations);

        var result = await log.VerifyAsync(start, end, context.CancellationToken);
        var response = (IMessage)Activator.CreateInstance(responseType.ClrType)!;
        Set(response, "valid", result.Valid);
        Set(response, "entries_checked", result.EntriesChecked);
        Set(response, "first_broken_position", result.FirstBrokenPosition);
        Set(response, "problem", (AuditChainProblem)(int)result.Problem);
        Set(response, "detail", result.Detail);
        Set(response, "last_position", result.LastPosition);
        Set(response, "last_hash", result.LastHash);
        return response;
    }

    public static AuditLogEntry ToProto(AuditRecord row)
    {
        var entry = new AuditLogEntry
        {
            Position = row.Position,
            EntryId = row.EntryId,
            Time = Timestamp.FromDateTimeOffset(row.Time),
            Caller = row.Caller,
            Agency = row.Agency,
            Method = row.Method,
            SubjectId = row.SubjectId ?? "",
            Outcome = row.Outcome,
            RequestId = row.RequestId,
            PreviousHash = row.PreviousHash,
            Hash = row.Hash,
        };
        entry.Roles.AddRange(row.RoleList);
        return entry;
    }

    private static object? Get(IMessage message, string field) => message.Descriptor.FindFieldByName(field).Accessor.GetValue(message);

    private static void Set(IMessage message, string field, object value) => message.Descriptor.FindFieldByName(field).Accessor.SetValue(message, value);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static bool TryTime(Timestamp value, out DateTimeOffset? time)
    {
        try
        {
            time = value.ToDateTimeOffset();
            return true;
        }
        catch (InvalidOperationException)
        {
            time = null;
            return false;
        }
    }

    private static void Require(MessageDescriptor message, params (string Name, FieldType Type)[] fields)
    {
        foreach (var (name, type) in fields)
        {
            var field = message.FindFieldByName(name);
            if (field is null || field.FieldType != type)
                throw new InvalidOperationException($"{message.FullName} must have a {type} field '{name}' to be served by the audit log.");
        }
    }
}
