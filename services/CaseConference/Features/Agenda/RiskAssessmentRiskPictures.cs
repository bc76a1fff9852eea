using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.CaseConference.Features.Remote;
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
    SuiteServiceChannels channels,
    ILogger<RiskAssessmentRiskPictures> logger) : IRiskPictureSource
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetRiskSummary = MappaServices.Assessments.FindMethodByName("GetRiskSummary");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetSubject = MappaServices.Subjects.FindMethodByName("GetSubject");

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
    internal static async Task<(T? Response, StatusCode? Failure)> Attempt<T>(Func<Task<T>> call, CancellationToken callerCancelled) where T : class
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

    private GrpcChannel Channel() => channels.For(options.Value.Address, options.Value.BearerToken, options.Value.BearerTokenFile);

    /// <summary>The status as its proto name, e.g. DEADLINE_EXCEEDED.</summary>
    internal static string StatusName(StatusCode code) => code switch
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
