using System.Collections.Concurrent;
using Google.Protobuf.Reflection;
using Mappa.Contracts.Common.V1;

namespace Mappa.Security;

/// <summary>The outcome of checking one caller against one method.</summary>
public readonly record struct AccessDecision(bool Allowed, Grpc.StatusCode DeniedWith, string Reason)
{
    public static AccessDecision Allow { get; } = new(true, Grpc.StatusCode.OK, "");

    public static AccessDecision Deny(Grpc.StatusCode status, string reason) => new(false, status, reason);
}

/// <summary>
/// Deny-by-default access rules taken from the contracts: every RPC declares its permission once, in its
/// <c>(mappa.common.v1.access)</c> option; roles map to permissions in <see cref="RolePermissions"/>.
/// </summary>
public static class AccessPolicy
{
    // Descriptors are process-wide singletons, so the option is parsed once per method, not per call.
    private static readonly ConcurrentDictionary<MethodDescriptor, MethodAccessRule> Rules = new();

    public static MethodAccessRule For(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Rules.GetOrAdd(method, Build);
    }

    /// <summary>The rules of every method of <paramref name="services"/>, for the authorization matrix.</summary>
    public static IReadOnlyList<MethodAccessRule> Describe(IEnumerable<ServiceDescriptor> services) =>
        services.SelectMany(service => service.Methods).Select(For).ToArray();

    public static IReadOnlyList<MethodAccessRule> Describe(IEnumerable<MethodDescriptor> methods) =>
        methods.Select(For).ToArray();

    /// <summary>
    /// Start-up check: throws listing every method whose access declaration is missing or unsound (unknown
    /// permission, subject_field that is not a string field of the request...). Health and reflection are exempt.
    /// </summary>
    public static void ValidateAllDeclared(IEnumerable<MethodDescriptor> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        var problems = methods
            .Select(For)
            .SelectMany(rule => rule.Problems.Select(problem => $"{rule.FullMethodName}: {problem}"))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (problems.Length > 0)
        {
            throw new InvalidOperationException(
                $"Every RPC must declare its access with the (mappa.common.v1.access) option:{Environment.NewLine}- " +
                string.Join(Environment.NewLine + "- ", problems));
        }
    }

    /// <summary>Whether <paramref name="caller"/> (null when unauthenticated) may call the method.</summary>
    public static AccessDecision Decide(MethodAccessRule rule, CallerIdentity? caller)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Kind == MethodAccessKind.Anonymous)
        {
            return AccessDecision.Allow;
        }
        if (caller is null)
        {
            return AccessDecision.Deny(Grpc.StatusCode.Unauthenticated, "no authenticated caller");
        }
        return rule.Kind switch
        {
            MethodAccessKind.AuthenticatedOnly => AccessDecision.Allow,
            MethodAccessKind.Permission when caller.HasPermission(rule.Permission!) => AccessDecision.Allow,
            MethodAccessKind.Permission => AccessDecision.Deny(Grpc.StatusCode.PermissionDenied, $"permission '{rule.Permission}' is required"),
            _ => AccessDecision.Deny(Grpc.StatusCode.PermissionDenied, "the method has no access declaration"),
        };
    }

    public static bool IsAllowed(CallerIdentity? caller, MethodDescriptor method) => Decide(For(method), caller).Allowed;

    private static MethodAccessRule Build(MethodDescriptor method)
    {
        if (AnonymousMethods.Contains(method))
        {
            return new MethodAccessRule(method, MethodAccessKind.Anonymous, null, null, []);
        }

        var access = method.GetOptions()?.GetExtension(AccessExtensions.Access);
        if (access is null)
        {
            return new MethodAccessRule(method, MethodAccessKind.Undeclared, null, null, ["no (mappa.common.v1.access) option"]);
        }

        var problems = new List<string>();
        var hasPermission = access.Permission.Length > 0;
        if (hasPermission == access.AuthenticatedOnly)
        {
            problems.Add(hasPermission
                ? "sets both permission and authenticated_only; choose one"
                : "sets neither permission nor authenticated_only");
        }
        if (hasPermission && !Permission.All.Contains(access.Permission))
        {
            problems.Add($"permission '{access.Permission}' is not a known permission (see Mappa.Security.Permission)");
        }

        FieldDescriptor? subjectField = null;
        if (access.SubjectField.Length > 0)
        {
            subjectField = method.InputType.FindFieldByName(access.SubjectField);
            if (subjectField is null || subjectField.FieldType != FieldType.String || subjectField.IsRepeated)
            {
                problems.Add($"subject_field '{access.SubjectField}' is not a string field of {method.InputType.FullName}");
                subjectField = null;
            }
        }

        // An unsound declaration is denied at run time as well as reported at start-up.
        var kind = problems.Count > 0 ? MethodAccessKind.Undeclared
            : hasPermission ? MethodAccessKind.Permission
            : MethodAccessKind.AuthenticatedOnly;
        return new MethodAccessRule(method, kind, hasPermission ? access.Permission : null, subjectField, problems);
    }
}
