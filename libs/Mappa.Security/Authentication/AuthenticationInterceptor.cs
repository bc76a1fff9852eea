using System.Diagnostics.CodeAnalysis;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Microsoft.Extensions.Logging;

namespace Mappa.Security;

/// <summary>
/// Requires a valid <c>authorization: Bearer &lt;jwt&gt;</c> on every call except the anonymous allow-list, and
/// sets <see cref="ServerCallContext.User"/> and the <see cref="CallerIdentity"/> for later steps.
/// </summary>
public sealed partial class AuthenticationInterceptor : IServerInterceptor
{
    /// <summary>The same for every refusal, so a caller learns nothing about why its token failed.</summary>
    public const string RefusalMessage = "A valid bearer token is required.";

    private const string BearerPrefix = "Bearer ";

    private readonly BearerTokenValidator _validator;
    private readonly AgencyCertificates _certificates;
    private readonly ILogger<AuthenticationInterceptor> _logger;

    /// <summary>Without mutual TLS: every client certificate is refused as unmapped.</summary>
    public AuthenticationInterceptor(BearerTokenValidator validator, ILogger<AuthenticationInterceptor> logger)
        : this(validator, new AgencyCertificates([]), logger)
    {
    }

    public AuthenticationInterceptor(BearerTokenValidator validator, AgencyCertificates certificates, ILogger<AuthenticationInterceptor> logger)
    {
        _validator = validator;
        _certificates = certificates;
        _logger = logger;
    }

    public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
    {
        if (AnonymousMethods.Contains(context.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            Refuse(context, header is null ? "no authorization metadata" : "authorization is not a bearer token");
        }

        var outcome = await _validator.ValidateAsync(header[BearerPrefix.Length..].Trim()).ConfigureAwait(false);
        if (!outcome.IsValid)
        {
            Refuse(context, outcome.FailureReason!);
        }

        // Mutual TLS: a client certificate names the connected agency's system; the token's agency must be that one.
        if (context.HttpContext.Connection.ClientCertificate is { } certificate)
        {
            var connectedAgency = _certificates.AgencyOf(certificate);
            if (connectedAgency is null)
            {
                Refuse(context, "client certificate is not mapped to an agency");
            }
            if (!string.Equals(connectedAgency, outcome.Caller!.Agency, StringComparison.Ordinal))
            {
                Refuse(context, "token agency differs from the client certificate's agency");
            }
        }

        context.User = outcome.Principal!;
        context.SetCaller(outcome.Caller!);
        await next(context).ConfigureAwait(false);
    }

    [DoesNotReturn]
    private void Refuse(ServerCallContext context, string reason)
    {
        LogRefused(_logger, context.FullMethodName, reason);
        throw new RpcException(StatusCode.Unauthenticated, RefusalMessage);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused unauthenticated call to {Method}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string reason);
}
