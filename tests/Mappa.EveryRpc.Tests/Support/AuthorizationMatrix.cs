using System.Text;
using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Security;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>
/// The expected outcome of every mappa RPC for every caller, derived from the same declarations the server
/// enforces: each RPC's (mappa.common.v1.access) option via <see cref="AccessPolicy"/>, and
/// <see cref="RolePermissions"/>. Null means "allowed": the handler runs.
/// </summary>
public static class AuthorizationMatrix
{
    public const string DocumentPath = "docs/authorization-matrix.md";
    public const string RegenerateVariable = "MAPPA_REGENERATE_AUTHORIZATION_MATRIX";

    public static StatusCode? Expected(MethodDescriptor method, string column)
    {
        var decision = AccessPolicy.Decide(AccessPolicy.For(method), Callers.Identity(column));
        return decision.Allowed ? null : decision.DeniedWith;
    }

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in Rpcs.All)
        {
            foreach (var column in Callers.MatrixColumns)
            {
                data.Add(Rpcs.NameOf(method), column);
            }
        }
        return data;
    }

    public static string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# Authorization matrix");
        text.AppendLine();
        text.AppendLine("Generated from the contracts' `(mappa.common.v1.access)` options and `RolePermissions` by");
        text.AppendLine("`tests/Mappa.EveryRpc.Tests`, which calls every cell against the running suite and fails when this file is out");
        text.AppendLine($"of step. Regenerate: `{RegenerateVariable}=1 dotnet test tests/Mappa.EveryRpc.Tests --filter Authorization_matrix_document`.");
        text.AppendLine();
        text.AppendLine($"{Rpcs.All.Count} RPCs x {Callers.MatrixColumns.Count} callers ({RolePermissions.Table.Count} roles, a role the suite does not know, no token).");
        text.AppendLine("✓ = the handler runs; `DENIED` = PERMISSION_DENIED; `UNAUTH` = UNAUTHENTICATED. Scope: an RPC with a subject field");
        text.AppendLine("answers NOT_FOUND (never PERMISSION_DENIED) for a subject outside the caller's areas.");
        text.AppendLine();
        text.Append("| RPC | permission | subject field |");
        foreach (var column in Callers.MatrixColumns)
        {
            text.Append($" {column} |");
        }
        text.AppendLine();
        text.Append("|---|---|---|");
        text.Append(string.Concat(Enumerable.Repeat("---|", Callers.MatrixColumns.Count)));
        text.AppendLine();
        foreach (var method in Rpcs.All)
        {
            var rule = AccessPolicy.For(method);
            var permission = rule.Kind switch
            {
                MethodAccessKind.Permission => $"`{rule.Permission}`",
                MethodAccessKind.AuthenticatedOnly => "any valid token",
                MethodAccessKind.Anonymous => "anonymous",
                _ => "**undeclared**",
            };
            text.Append($"| `{method.Service.FullName[(method.Service.FullName.IndexOf('.') + 1)..]}/{method.Name}` | {permission} | {(rule.SubjectField is { } field ? $"`{field.Name}`" : "")} |");
            foreach (var column in Callers.MatrixColumns)
            {
                text.Append(Expected(method, column) switch
                {
                    null => " ✓ |",
                    StatusCode.PermissionDenied => " DENIED |",
                    StatusCode.Unauthenticated => " UNAUTH |",
                    var other => $" {other} |",
                });
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
