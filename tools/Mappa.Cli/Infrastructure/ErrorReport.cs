using Google.Rpc;
using Mappa.Grpc;

namespace Mappa.Cli.Infrastructure;

/// <summary>Turns a failed call into words on stderr and an exit code; never a stack trace.</summary>
public static class ErrorReport
{
    public static int ExitCodeFor(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => ExitCodes.InvalidArgument,
        StatusCode.NotFound => ExitCodes.NotFound,
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => ExitCodes.PermissionOrAuthentication,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => ExitCodes.Unavailable,
        StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.Aborted => ExitCodes.Conflict,
        _ => ExitCodes.Other,
    };

    /// <summary>With --json, errors are JSON on stderr too, so scripts need not parse sentences.</summary>
    public static int WriteJson(RpcException error, TextWriter stderr)
    {
        var violations = new List<object>();
        string? reason = null;
        foreach (var any in error.Details?.Details ?? [])
        {
            if (any.TryUnpack<BadRequest>(out var badRequest))
            {
                violations.AddRange(badRequest.FieldViolations.Select(v => new { field = v.Field, description = v.Description }));
            }
            else if (any.TryUnpack<ErrorInfo>(out var info) && info.Type.Length > 0)
            {
                reason = info.Type;
            }
        }
        stderr.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            error = new { code = (int)error.StatusCode, status = Screaming(error.StatusCode), message = error.Detail, reason, fieldViolations = violations },
        }));
        return ExitCodeFor(error.StatusCode);
    }

    public static int WriteJson(int exitCode, string message, TextWriter stderr)
    {
        stderr.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { error = new { exitCode, message } }));
        return exitCode;
    }

    public static int Write(RpcException error, TextWriter stderr)
    {
        stderr.WriteLine($"error: {Describe(error.StatusCode)} ({(int)error.StatusCode} {Screaming(error.StatusCode)}): {error.Detail}");
        foreach (var line in DetailLines(error.Details))
        {
            stderr.WriteLine("  " + line);
        }
        if (error.StatusCode == StatusCode.Unauthenticated)
        {
            stderr.WriteLine("  hint: the token is missing, expired or not accepted by this server; run `mappa login`.");
        }
        else if (error.StatusCode == StatusCode.Unavailable)
        {
            stderr.WriteLine("  hint: is the suite running at this address? Set --address or MAPPA_ADDRESS.");
        }
        return ExitCodeFor(error.StatusCode);
    }

    /// <summary>The google.rpc details a person needs: which fields were wrong and why, what was missing, which rule refused.</summary>
    public static IEnumerable<string> DetailLines(Google.Rpc.Status? status)
    {
        if (status is null)
        {
            yield break;
        }
        foreach (var any in status.Details)
        {
            if (any.TryUnpack<BadRequest>(out var badRequest))
            {
                foreach (var violation in badRequest.FieldViolations)
                {
                    yield return $"{violation.Field}: {violation.Description}";
                }
            }
            else if (any.TryUnpack<ResourceInfo>(out var resource))
            {
                yield return $"not found: {resource.ResourceType} {resource.ResourceName}".TrimEnd();
            }
            else if (any.TryUnpack<PreconditionFailure>(out var precondition))
            {
                // The status message usually says the same in full; repeat a violation only when it adds something.
                foreach (var violation in precondition.Violations.Where(v => v.Description != status.Message))
                {
                    yield return $"{violation.Type}: {violation.Description}";
                }
            }
            else if (any.TryUnpack<ErrorInfo>(out var info) && info.Type.Length > 0)
            {
                yield return $"reason: {info.Type}";
            }
        }
    }

    private static string Describe(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "the request was refused as invalid",
        StatusCode.NotFound => "not found",
        StatusCode.PermissionDenied => "permission denied",
        StatusCode.Unauthenticated => "not authenticated",
        StatusCode.Unavailable => "the server is unavailable",
        StatusCode.DeadlineExceeded => "the call took too long",
        StatusCode.AlreadyExists => "already exists",
        StatusCode.FailedPrecondition => "not possible in the current state",
        StatusCode.Aborted => "a concurrent change got there first; try again",
        _ => "the call failed",
    };

    private static string Screaming(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
