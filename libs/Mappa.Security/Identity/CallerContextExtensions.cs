using Mappa.Grpc;
using Mappa.Grpc.Server;

namespace Mappa.Security;

/// <summary>The authenticated caller of the call in progress.</summary>
public static class CallerContextExtensions
{
    private static readonly object CallerKey = new();

    /// <summary>The caller; throws UNAUTHENTICATED if the call was not authenticated.</summary>
    public static CallerIdentity Caller(this ServerCallContext context) =>
        context.TryGetCaller() ?? throw new RpcException(StatusCode.Unauthenticated, AuthenticationInterceptor.RefusalMessage);

    /// <summary>The caller, or null if the call was not authenticated (e.g. health checks).</summary>
    public static CallerIdentity? TryGetCaller(this ServerCallContext context)
    {
        if (context.Items.TryGetValue(CallerKey, out var cached) && cached is CallerIdentity caller)
        {
            return caller;
        }
        // Fall back to the principal in case something other than our interceptor authenticated the call.
        if (context.User.Identity?.IsAuthenticated == true && CallerIdentity.FromClaims(context.User) is { } fromClaims)
        {
            context.Items[CallerKey] = fromClaims;
            return fromClaims;
        }
        return null;
    }

    internal static void SetCaller(this ServerCallContext context, CallerIdentity caller) => context.Items[CallerKey] = caller;
}
