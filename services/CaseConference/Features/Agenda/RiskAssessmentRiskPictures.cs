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
/// Reads AssessmentService/GetRiskSummary (level, category, overall RoSH, next review, flags) and, alongside it,
/// SubjectService/GetSubject for the lead agency. Any failure of the summary other than NOT_FOUND — down, slow,
/// UNIMPLEMENTED (an older RiskAssessment), refused — makes the picture unavailable; the agenda answers regardless.
/// </summary>
public sealed partial class RiskAssessmentRiskPictures(
    IOptions<RiskAssessmentClientOptions> options,
    IOptions<MappaAuthOptions> authOptions,
    TimeProvider time,
    ILogger<RiskAssessmentRiskPictures> logger,
    IServer? server = null) : IRiskPictureSource, IDisposable
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetRiskSummary = MappaServices.Assessments.FindMethodByName("GetRiskSummary");
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
        var channel = Channel();
        var summaryCall = Attempt(() => channel.UnaryAsync<GetRiskSummaryRequest, GetRiskSummaryResponse>(
            GetRiskSummary, new GetRiskSummaryRequest { SubjectId = subjectId }, call), callerOptions.CancellationToken);
        var subjectCall = Attempt(() => channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            GetSubject, new GetSubjectRequest { SubjectId = subjectId }, call), callerOptions.CancellationToken);
        var (summary, summaryFailure) = await summaryCall;
        var (subject, _) = await subjectCall;

        if (summaryFailure == StatusCode.NotFound)
            return new SubjectRiskPicture(subjectId, RiskSummaryAvailability.NotFound);
        if (summary is null)
        {
            LogUnavailable(logger, summaryFailure!.Value);
            return SubjectRiskPicture.Unavailable(subjectId, StatusName(summaryFailure.Value));
        }
        // The lead agency is a nicety from the subject record; the summary stands without it.
        return new SubjectRiskPicture(subjectId, RiskSummaryAvailability.Available, summary.Category, summary.Level,
            subject?.Subject?.LeadAgency ?? Mappa.Contracts.Common.V1.AgencyKind.Unspecified,
            OverallRoshLevel: summary.OverallRoshLevel,
            NextReviewDate: summary.NextReviewDate,
            Flags: summary.Flags.Select(flag => flag.Kind).Distinct().ToArray());
    }

    // The outcome of one call: the response, or the status it failed with (transport failures count as UNAVAILABLE).
    // Only the caller going away is let through as an exception.
    private static async Task<(T? Response, StatusCode? Failure)> Attempt<T>(Func<Task<T>> call, CancellationToken callerCancelled) where T : class
    {
        try
        {
            return (await call(), null);
        }
        catch (RpcException failure) when (!callerCancelled.IsCancellationRequested)
        {
            return (null, failure.StatusCode);
        }
        catch (HttpRequestException) when (!callerCancelled.IsCancellationRequested)
        {
            return (null, StatusCode.Unavailable);
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
        var own = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
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

}
