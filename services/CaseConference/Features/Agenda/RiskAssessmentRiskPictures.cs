using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Security.Development;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Mappa.CaseConference.Features.Agenda;

/// <summary>
/// Fetches risk pictures from RiskAssessment with our gRPC client, on the service's own credentials (a system token;
/// the caller's token is never forwarded), within the caller's deadline capped by <see cref="RiskAssessmentClientOptions.Timeout"/>.
/// Until RiskAssessment offers a dedicated risk-summary RPC this reads SubjectService/GetSubject (level, category, lead
/// agency). Any failure other than NOT_FOUND — down, slow, UNIMPLEMENTED, refused — makes the picture unavailable.
/// </summary>
public sealed partial class RiskAssessmentRiskPictures(
    IOptions<RiskAssessmentClientOptions> options,
    IOptions<MappaAuthOptions> authOptions,
    IServer server,
    TimeProvider time,
    ILogger<RiskAssessmentRiskPictures> logger) : IRiskPictureSource, IDisposable
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetSubject = MappaServices.Subjects.FindMethodByName("GetSubject");
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private GrpcChannel? _channel;
    private DevelopmentTokenIssuer? _issuer;
    private (string Token, DateTimeOffset RenewAt)? _developmentToken;

    public async Task<SubjectRiskPicture> FetchAsync(string subjectId, CallOptions callerOptions)
    {
        ArgumentNullException.ThrowIfNull(callerOptions);
        var limit = DateTime.UtcNow + options.Value.Timeout;
        var call = new CallOptions
        {
            Headers = callerOptions.Headers,
            DeadlineUtc = callerOptions.DeadlineUtc is { } deadline && deadline < limit ? deadline : limit,
            CancellationToken = callerOptions.CancellationToken,
        };
        try
        {
            var response = await Channel().UnaryAsync<GetSubjectRequest, GetSubjectResponse>(GetSubject, new GetSubjectRequest { SubjectId = subjectId }, call);
            var subject = response.Subject ?? new Subject();
            return new SubjectRiskPicture(subjectId, RiskSummaryAvailability.Available, subject.Category, subject.Level, subject.LeadAgency);
        }
        catch (RpcException failure) when (failure.StatusCode == StatusCode.NotFound)
        {
            return new SubjectRiskPicture(subjectId, RiskSummaryAvailability.NotFound);
        }
        catch (RpcException failure) when (!callerOptions.CancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, failure.StatusCode);
            return SubjectRiskPicture.Unavailable(subjectId, StatusName(failure.StatusCode));
        }
        catch (HttpRequestException failure) when (!callerOptions.CancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, failure.GetType().Name);
            return SubjectRiskPicture.Unavailable(subjectId, StatusName(StatusCode.Unavailable));
        }
    }

    public void Dispose() => _channel?.Dispose();

    private GrpcChannel Channel()
    {
        lock (_gate)
        {
            return _channel ??= new GrpcChannel(ResolveAddress(), new GrpcChannelOptions
            {
                BearerTokenProvider = _ => ValueTask.FromResult(ServiceToken()),
            });
        }
    }

    // Resolved at the first call, not at start-up: in the embedded suite the port is only known once Kestrel listens.
    private Uri ResolveAddress()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.Address))
            return new Uri(options.Value.Address);
        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Set {RiskAssessmentClientOptions.SectionName}:Address: this process has no gRPC address to call.");
        var address = new UriBuilder(own.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://+", "://localhost"));
        return address.Uri;
    }

    private string? ServiceToken()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.BearerToken))
            return options.Value.BearerToken;
        if (!authOptions.Value.AllowDevelopmentKeys)
            return null;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_developmentToken is { } cached && now < cached.RenewAt)
                return cached.Token;
            _issuer ??= DevelopmentTokenIssuer.ForOptions(authOptions.Value, time);
            var token = _issuer.Issue(new DevelopmentTokenRequest(
                "mappa-caseconference", "mappa-caseconference", "", ["*"], [Role.System]) { Lifetime = TokenLifetime });
            _developmentToken = (token, now + TokenLifetime / 2);
            return token;
        }
    }

    private static string StatusName(StatusCode code) => code switch
    {
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.Cancelled => "CANCELLED",
        _ => code.ToString().ToUpperInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "RiskAssessment answered {Status}: the agenda marks the risk summary unavailable")]
    private static partial void LogUnavailable(ILogger logger, StatusCode status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RiskAssessment could not be reached ({Failure}): the agenda marks the risk summary unavailable")]
    private static partial void LogUnreachable(ILogger logger, string failure);
}
