using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Mappa.Core.Errors;

namespace Mappa.Grpc;

/// <summary>
/// The one place where the suite's domain errors become gRPC statuses with google.rpc rich details
/// (sent as grpc-status-details-bin).
/// </summary>
public static class DomainErrorMapping
{
    /// <summary>The ErrorInfo domain for reasons the suite itself defines.</summary>
    public const string ErrorDomain = "mappa";

    /// <summary>The status for a domain exception, or null if <paramref name="exception"/> is not one.</summary>
    public static RpcException? TryMap(Exception exception) => exception switch
    {
        ValidationFailedException validation => Create(
            StatusCode.InvalidArgument,
            validation.Message,
            validation,
            ToBadRequest(validation.Violations)),
        NotFoundException notFound => Create(
            StatusCode.NotFound,
            notFound.Message,
            notFound,
            new ResourceInfo { ResourceType = notFound.ResourceType, ResourceName = notFound.ResourceName, Description = notFound.Message }),
        AlreadyExistsException exists => Create(
            StatusCode.AlreadyExists,
            exists.Message,
            exists,
            new ResourceInfo { ResourceType = exists.ResourceType, ResourceName = exists.ResourceName, Description = exists.Message }),
        PreconditionFailedException precondition => Create(
            StatusCode.FailedPrecondition,
            precondition.Message,
            precondition,
            // Google.Api.CommonProtos 2.0.0 still calls ErrorInfo.reason "type": same field number 1 on the wire.
            new ErrorInfo { Type = precondition.Reason, Domain = ErrorDomain },
            new PreconditionFailure
            {
                Violations = { new PreconditionFailure.Types.Violation { Type = precondition.Reason, Description = precondition.Message } },
            }),
        _ => null,
    };

    /// <summary>An <see cref="RpcException"/> whose google.rpc.Status carries <paramref name="details"/> (packed as Any).</summary>
    public static RpcException Create(StatusCode code, string message, Exception? innerException, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }
        return new RpcException(code, message, status, trailers: null, innerException);
    }

    private static BadRequest ToBadRequest(IReadOnlyList<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var violation in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }
        return badRequest;
    }
}
