using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mappa.Core.Errors;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Interop.V1;

namespace Mappa.Interop.Tests.OurServer;

/// <summary>Our implementation of the interop contract, served by the suite's gRPC layer.</summary>
public sealed class InteropHandlers(CallObserver observer)
{
    public Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        if (request.FailWith is { } failure)
        {
            throw ToException(failure);
        }
        var payload = request.ResponseSize > 0
            ? ByteString.CopyFrom(new byte[request.ResponseSize])
            : request.Payload;
        return Task.FromResult(new EchoResponse { Payload = payload, Text = request.Text });
    }

    public async Task<SleepResponse> Sleep(SleepRequest request, ServerCallContext context)
    {
        observer.Started(request.CallId);
        try
        {
            await Task.Delay(request.Milliseconds, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            observer.Cancelled(request.CallId);
            throw;
        }
        return new SleepResponse { Completed = true };
    }

    public async Task Count(CountRequest request, IServerStreamWriter<CountResponse> writer, ServerCallContext context)
    {
        for (var number = 1; number <= request.Count; number++)
        {
            await writer.WriteAsync(new CountResponse { Number = number });
        }
    }

    public Task<EchoMetadataResponse> EchoMetadata(EchoMetadataRequest request, ServerCallContext context)
    {
        var response = new EchoMetadataResponse();
        foreach (var key in request.Keys)
        {
            foreach (var entry in context.RequestHeaders.Where(e => e.Key == key))
            {
                if (entry.IsBinary)
                {
                    context.ResponseHeaders.Add(entry.Key, entry.ValueBytes);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.ValueBytes);
                }
                else
                {
                    context.ResponseHeaders.Add(entry.Key, entry.Value);
                    context.ResponseTrailers.Add("trailer-" + entry.Key, entry.Value);
                }
                if (!response.FoundKeys.Contains(entry.Key))
                {
                    response.FoundKeys.Add(entry.Key);
                }
            }
        }
        return Task.FromResult(response);
    }

    // The three shapes services produce go through the domain exceptions, as the suite's services raise them;
    // any other status goes through RpcException with the details built here.
    private static Exception ToException(Failure failure)
    {
        var code = (StatusCode)failure.Code;
        switch (code)
        {
            case StatusCode.InvalidArgument when failure.FieldViolations.Count > 0:
                return new ValidationFailedException(
                    [.. failure.FieldViolations.Select(v => new Core.Errors.FieldViolation(v.Field, v.Description))]);
            case StatusCode.NotFound:
                return new NotFoundException("Subject", failure.Message);
            case StatusCode.FailedPrecondition when failure.Reason.Length > 0:
                return new PreconditionFailedException(failure.Reason, failure.Message);
        }

        var status = new Google.Rpc.Status { Code = failure.Code, Message = failure.Message };
        if (failure.FieldViolations.Count > 0)
        {
            var badRequest = new Google.Rpc.BadRequest();
            badRequest.FieldViolations.AddRange(failure.FieldViolations.Select(v =>
                new Google.Rpc.BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }
        if (failure.Reason.Length > 0)
        {
            // Google.Api.CommonProtos 2.0.0 names ErrorInfo.reason "Type" (field 1 on the wire either way).
            var info = new Google.Rpc.ErrorInfo { Type = failure.Reason, Domain = failure.Domain };
            info.Metadata.Add(failure.Metadata);
            status.Details.Add(Any.Pack(info));
        }
        return new RpcException(code, failure.Message, status);
    }
}
