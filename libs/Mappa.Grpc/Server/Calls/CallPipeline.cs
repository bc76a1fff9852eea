using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Grpc.Server.Calls;

/// <summary>
/// The single interceptor chain around every handler. Each layer maps whatever escapes it to a status at once,
/// so the interceptor outside it sees an <see cref="RpcException"/> (original in InnerException) and an
/// <see cref="ServerCallContext.OutcomeStatus"/> that already matches what the client will get.
/// </summary>
internal static class CallPipeline
{
    public static Task RunAsync(ServerCall call, GrpcCallDelegate handler)
    {
        var types = call.Runtime.InterceptorTypes;
        var link = new Link(call, null, handler, null);
        if (types.Length > 0)
        {
            var services = call.Http.RequestServices;
            for (var i = types.Length - 1; i >= 0; i--)
            {
                var interceptor = (IServerInterceptor)services.GetRequiredService(types[i]);
                link = new Link(call, interceptor, null, link);
            }
        }
        return link.InvokeAsync(call.Context);
    }

    private sealed class Link(ServerCall call, IServerInterceptor? interceptor, GrpcCallDelegate? handler, Link? next)
    {
        public async Task InvokeAsync(ServerCallContext context)
        {
            try
            {
                if (interceptor is null)
                {
                    await handler!(context).ConfigureAwait(false);
                    context.OutcomeStatus = StatusCode.OK;
                }
                else
                {
                    await interceptor.InvokeAsync(context, next!.InvokeAsync).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                var status = ExceptionStatusMapping.ToRpcException(ex, context, call.Runtime);
                context.OutcomeStatus = status.StatusCode;
                call.LastError = status;
                if (ReferenceEquals(status, ex))
                {
                    throw;
                }
                throw status;
            }
        }
    }
}
