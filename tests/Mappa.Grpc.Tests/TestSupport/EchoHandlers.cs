using Google.Protobuf;
using Mappa.Core.Errors;
using Mappa.Grpc.Server;
using Mappa.Grpc.Tests.Contracts;

namespace Mappa.Grpc.Tests.TestSupport;

/// <summary>Handlers for the test echo contract; EchoRequest.behaviour picks what a call does.</summary>
public sealed class EchoHandlers(CallProbe probe)
{
    /// <summary>Text an unexpected exception carries: it must never reach a client or a log message.</summary>
    public const string SecretExceptionText = "subject date of birth 1970-01-01";

    public static void Bind(GrpcServiceBinder<EchoHandlers> service) => service
        .Unary<EchoRequest, EchoResponse>("Echo", (handlers, request, context) => handlers.EchoAsync(request, context))
        .ServerStreaming<EchoRequest, EchoResponse>("EchoStream", (handlers, request, responses, context) => handlers.EchoStreamAsync(request, responses, context))
        .DuplexStreaming<EchoRequest, EchoResponse>("Chat", (handlers, requests, responses, context) => handlers.ChatAsync(requests, responses, context));

    public async Task<EchoResponse> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        switch (request.Behaviour)
        {
            case "throw-validation":
                throw new ValidationFailedException([new FieldViolation("text", "must not be empty"), new FieldViolation("payload", "too long")]);
            case "throw-not-found":
                throw new NotFoundException("Subject", "subjects/42");
            case "throw-already-exists":
                throw new AlreadyExistsException("Subject", "subjects/42");
            case "throw-precondition":
                throw new PreconditionFailedException("ASSESSMENT_ALREADY_SUPERSEDED", "The assessment has already been superseded.");
            case "throw-timeout":
                throw new TimeoutException("The database did not answer.");
            case "throw-unexpected":
                throw new InvalidOperationException(SecretExceptionText);
            case "throw-rpc":
                var trailers = new Metadata { { "x-reason", "told-to" } };
                throw new RpcException(StatusCode.PermissionDenied, "Not for you: 100% sure ✓", null, trailers);
            case "wait-for-cancellation":
                await WaitForCancellationAsync(context);
                break;
            case "unavailable-twice":
                if (probe.NextAttempt(request.Text) <= 2)
                {
                    throw new RpcException(StatusCode.Unavailable, "Try again shortly.");
                }
                break;
            case "count-then-not-found":
                probe.NextAttempt(request.Text);
                throw new NotFoundException("Subject", "subjects/1");
            case "echo-authorization":
                return new EchoResponse { Text = context.RequestHeaders.GetValue("authorization") ?? "(none)" };
            case "report-request-id":
                return new EchoResponse { Text = context.RequestHeaders.GetValue("x-request-id") ?? "(none)" };
            case "echo-metadata":
                foreach (var entry in context.RequestHeaders)
                {
                    if (entry.Key.StartsWith("x-", StringComparison.Ordinal))
                    {
                        context.ResponseHeaders.Add(entry);
                        context.ResponseTrailers.Add(entry);
                    }
                }
                break;
            case "report-deadline":
                return new EchoResponse { Text = context.DeadlineUtc is null ? "none" : "set" };
            case "big-response":
                return new EchoResponse { Payload = Bytes(request.Repeat) };
            case "return-null":
                return null!;
        }
        return new EchoResponse { Text = request.Text, Payload = request.Payload };
    }

    public async Task EchoStreamAsync(EchoRequest request, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.Repeat; i++)
        {
            await responses.WriteAsync(new EchoResponse { Text = request.Text, Index = i });
        }
        if (request.Behaviour == "fail-after-stream")
        {
            throw new NotFoundException("Subject", "subjects/7");
        }
        if (request.Behaviour == "wait-for-cancellation")
        {
            await WaitForCancellationAsync(context);
        }
    }

    public async Task ChatAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var index = 0;
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(new EchoResponse { Text = requests.Current.Text, Payload = requests.Current.Payload, Index = index++ });
        }
    }

    private async Task WaitForCancellationAsync(ServerCallContext context)
    {
        probe.HandlerStarted.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        finally
        {
            probe.HandlerCancelled.TrySetResult();
        }
    }

    public static ByteString Bytes(int count, byte value = 0x5A) => ByteString.CopyFrom(Enumerable.Repeat(value, count).ToArray());
}
