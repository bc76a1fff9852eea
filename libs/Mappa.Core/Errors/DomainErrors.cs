namespace Mappa.Core.Errors;

// Domain code throws these; the gRPC layer maps them to status codes in one place
// (Mappa.Grpc.DomainErrorMapping), so no domain code depends on gRPC.

/// <summary>A request field broke a rule. Field paths use the proto field names, e.g. "identifiers[0].value".</summary>
public sealed record FieldViolation(string Field, string Description);

public abstract class DomainException(string message) : Exception(message);

/// <summary>The request itself is invalid (INVALID_ARGUMENT with BadRequest field violations).</summary>
public sealed class ValidationFailedException(IReadOnlyList<FieldViolation> violations)
    : DomainException("The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public ValidationFailedException(string field, string description) : this([new FieldViolation(field, description)]) { }
}

/// <summary>The resource does not exist, or is outside the caller's scope (NOT_FOUND, so scope cannot be probed).</summary>
public sealed class NotFoundException(string resourceType, string resourceName)
    : DomainException($"{resourceType} '{resourceName}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>The resource already exists (ALREADY_EXISTS).</summary>
public sealed class AlreadyExistsException(string resourceType, string resourceName)
    : DomainException($"{resourceType} '{resourceName}' already exists.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>
/// The system is not in a state where the operation is allowed, e.g. an invalid status transition
/// (FAILED_PRECONDITION). <paramref name="reason"/> is a stable UPPER_SNAKE_CASE code for ErrorInfo.
/// </summary>
public sealed class PreconditionFailedException(string reason, string message) : DomainException(message)
{
    public string Reason { get; } = reason;
}
