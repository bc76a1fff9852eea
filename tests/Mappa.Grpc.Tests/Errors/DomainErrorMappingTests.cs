using Google.Rpc;
using Mappa.Core.Errors;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Tests.Errors;

public sealed class DomainErrorMappingTests
{
    [Fact]
    public void Validation_failure_is_invalid_argument_with_every_field_violation()
    {
        var error = DomainErrorMapping.TryMap(new ValidationFailedException([new FieldViolation("identifiers[0].value", "is required"), new FieldViolation("category", "unknown")]));

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = Assert.Single(error.Details!.Details).Unpack<BadRequest>();
        Assert.Equal(["identifiers[0].value", "category"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal(["is required", "unknown"], badRequest.FieldViolations.Select(v => v.Description));
    }

    [Fact]
    public void Not_found_is_not_found_with_resource_info()
    {
        var error = DomainErrorMapping.TryMap(new NotFoundException("Assessment", "assessments/9"));

        Assert.Equal(StatusCode.NotFound, error!.StatusCode);
        var resource = Assert.Single(error.Details!.Details).Unpack<ResourceInfo>();
        Assert.Equal("Assessment", resource.ResourceType);
        Assert.Equal("assessments/9", resource.ResourceName);
    }

    [Fact]
    public void Already_exists_is_already_exists_with_resource_info()
    {
        var error = DomainErrorMapping.TryMap(new AlreadyExistsException("Conference", "conferences/3"));

        Assert.Equal(StatusCode.AlreadyExists, error!.StatusCode);
        var resource = Assert.Single(error.Details!.Details).Unpack<ResourceInfo>();
        Assert.Equal(("Conference", "conferences/3"), (resource.ResourceType, resource.ResourceName));
    }

    [Fact]
    public void Precondition_failure_is_failed_precondition_with_reason_in_the_mappa_domain()
    {
        var error = DomainErrorMapping.TryMap(new PreconditionFailedException("REVIEW_ALREADY_CLOSED", "The review is closed."));

        Assert.Equal(StatusCode.FailedPrecondition, error!.StatusCode);
        Assert.Equal("The review is closed.", error.Detail);
        var errorInfo = error.Details!.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal("REVIEW_ALREADY_CLOSED", errorInfo.Type);
        Assert.Equal("mappa", errorInfo.Domain);
        var failure = error.Details.Details.Single(d => d.Is(PreconditionFailure.Descriptor)).Unpack<PreconditionFailure>();
        Assert.Equal("REVIEW_ALREADY_CLOSED", Assert.Single(failure.Violations).Type);
    }

    [Fact]
    public void Mapped_status_keeps_the_domain_exception_as_inner_exception()
    {
        var domain = new NotFoundException("Subject", "subjects/1");

        Assert.Same(domain, DomainErrorMapping.TryMap(domain)!.InnerException);
    }

    [Fact]
    public void Status_details_code_and_message_match_the_status()
    {
        var error = DomainErrorMapping.TryMap(new NotFoundException("Subject", "subjects/1"))!;

        Assert.Equal((int)error.StatusCode, error.Details!.Code);
        Assert.Equal(error.Detail, error.Details.Message);
    }

    [Fact]
    public void Other_exceptions_are_not_domain_errors()
    {
        Assert.Null(DomainErrorMapping.TryMap(new InvalidOperationException("boom")));
        Assert.Null(DomainErrorMapping.TryMap(new OperationCanceledException()));
    }

    [Fact]
    public void Details_survive_the_wire_encoding_round_trip()
    {
        var error = DomainErrorMapping.TryMap(new ValidationFailedException("text", "too long"))!;

        var wire = StatusDetails.Encode(error.StatusCode, error.Detail, error.Details!);
        var decoded = StatusDetails.TryDecode(wire);

        Assert.DoesNotContain("=", wire);
        Assert.Equal(error.Details, decoded);
    }

    [Fact]
    public void Wire_encoding_makes_inconsistent_details_agree_with_the_status()
    {
        var inconsistent = new Google.Rpc.Status { Code = 5, Message = "other" };

        var decoded = StatusDetails.TryDecode(StatusDetails.Encode(StatusCode.Internal, "real message", inconsistent))!;

        Assert.Equal(((int)StatusCode.Internal, "real message"), (decoded.Code, decoded.Message));
        Assert.Equal(5, inconsistent.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("!!!")]
    [InlineData("/////w")]
    public void Undecodable_details_are_ignored(string? wire)
    {
        Assert.Null(StatusDetails.TryDecode(wire));
    }
}
