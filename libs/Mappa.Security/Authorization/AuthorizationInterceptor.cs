using Mappa.Grpc;
using Mappa.Grpc.Server;
using Microsoft.Extensions.Logging;

namespace Mappa.Security;

/// <summary>
/// Lets a call through only if the caller's roles grant the permission its contract declares. A method without
/// a sound declaration is denied. Runs after <see cref="AuthenticationInterceptor"/>.
/// </summary>
public sealed partial class AuthorizationInterceptor : IServerInterceptor
{
    private readonly ILogger<AuthorizationInterceptor> _logger;

    public AuthorizationInterceptor(ILogger<AuthorizationInterceptor> logger) => _logger = logger;

    public Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
    {
        var rule = AccessPolicy.For(context.Method);
        if (rule.Kind == MethodAccessKind.Anonymous)
        {
            return next(context);
        }

        var decision = AccessPolicy.Decide(rule, context.TryGetCaller());
        if (!decision.Allowed)
        {
            LogDenied(_logger, rule.FullMethodName, decision.Reason);
            var message = decision.DeniedWith == StatusCode.Unauthenticated
                ? AuthenticationInterceptor.RefusalMessage
                : $"The caller may not call this method: {decision.Reason}.";
            throw new RpcException(decision.DeniedWith, message);
        }
        return next(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Denied call to {Method}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string method, string reason);
}
