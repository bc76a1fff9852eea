using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Mappa.Security;

public enum MethodAccessKind
{
    /// <summary>No usable access declaration: always denied.</summary>
    Undeclared,

    /// <summary>On the anonymous allow-list (health, reflection).</summary>
    Anonymous,

    /// <summary>Any caller with a valid token.</summary>
    AuthenticatedOnly,

    /// <summary>Callers whose roles grant <see cref="MethodAccessRule.Permission"/>.</summary>
    Permission,
}

/// <summary>How one RPC is guarded, read once from its <c>(mappa.common.v1.access)</c> option and cached.</summary>
public sealed class MethodAccessRule
{
    private readonly IFieldAccessor? _subjectAccessor;

    internal MethodAccessRule(MethodDescriptor method, MethodAccessKind kind, string? permission, FieldDescriptor? subjectField, IReadOnlyList<string> problems)
    {
        Method = method;
        FullMethodName = $"/{method.Service.FullName}/{method.Name}";
        Kind = kind;
        Permission = permission;
        SubjectField = subjectField;
        _subjectAccessor = subjectField?.Accessor;
        Problems = problems;
    }

    public MethodDescriptor Method { get; }

    /// <summary>"/package.Service/Method".</summary>
    public string FullMethodName { get; }

    public MethodAccessKind Kind { get; }

    /// <summary>The permission required, when <see cref="Kind"/> is <see cref="MethodAccessKind.Permission"/>.</summary>
    public string? Permission { get; }

    /// <summary>The request field holding the subject id, if the method touches one subject.</summary>
    public FieldDescriptor? SubjectField { get; }

    /// <summary>What is wrong with the declaration; empty when it is sound.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>
    /// Calls worth an audit record: everything except the anonymous allow-list and token-only methods (which by
    /// contract touch no personal data). Undeclared methods are audited too: any call to one is a denied attempt.
    /// </summary>
    public bool IsAudited => Kind is MethodAccessKind.Permission or MethodAccessKind.Undeclared;

    /// <summary>The subject id in <paramref name="request"/>, or null if the method names none or it is empty.</summary>
    public string? SubjectIdOf(IMessage? request)
    {
        if (_subjectAccessor is null || request is null || request.Descriptor != Method.InputType)
        {
            return null;
        }
        return _subjectAccessor.GetValue(request) is string { Length: > 0 } id ? id : null;
    }
}
