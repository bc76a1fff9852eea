using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace Mappa.Security.Tests.Support;

/// <summary>
/// Runs interceptors the way the gRPC layer does, without a server: a ServerCallContext over a DefaultHttpContext,
/// the chain outermost first, and the innermost step mapping the handler's outcome into OutcomeStatus.
/// </summary>
public static class CallPipeline
{
    public static ServerCallContext NewCall(MethodDescriptor method, IMessage? request = null, params (string Key, string Value)[] headers)
    {
        var metadata = new Metadata();
        foreach (var (key, value) in headers)
        {
            metadata.Add(key, value);
        }
        return new ServerCallContext(method, new DefaultHttpContext(), metadata, deadlineUtc: null, CancellationToken.None)
        {
            Request = request,
        };
    }

    public static (string, string) Bearer(string token) => ("authorization", $"Bearer {token}");

    /// <summary>Runs the call; answers the status it ended with (OK, or the RpcException's status).</summary>
    public static async Task<StatusCode> RunAsync(
        ServerCallContext context,
        IEnumerable<IServerInterceptor> interceptors,
        Func<ServerCallContext, Task>? handler = null)
    {
        handler ??= _ => Task.CompletedTask;
        GrpcCallDelegate pipeline = async call =>
        {
            try
            {
                await handler(call);
                call.OutcomeStatus = StatusCode.OK;
            }
            catch (RpcException e)
            {
                call.OutcomeStatus = e.StatusCode;
                throw;
            }
        };
        foreach (var interceptor in interceptors.Reverse())
        {
            var next = pipeline;
            pipeline = call => interceptor.InvokeAsync(call, next);
        }

        try
        {
            await pipeline(context);
            return context.OutcomeStatus ?? StatusCode.OK;
        }
        catch (RpcException e)
        {
            context.OutcomeStatus = e.StatusCode;
            return e.StatusCode;
        }
    }
}
