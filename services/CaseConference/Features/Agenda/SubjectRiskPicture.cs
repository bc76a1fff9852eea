using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.CaseConference.Features.Agenda;

/// <summary>Numbers match <c>mappa.caseconference.v1.RiskSummaryAvailability</c>.</summary>
public enum RiskSummaryAvailability
{
    Available = 1,
    Unavailable = 2,
    NotFound = 3,
}

/// <summary>One subject's current risk picture as RiskAssessment reported it, or why it could not.</summary>
public sealed record SubjectRiskPicture(
    string SubjectId,
    RiskSummaryAvailability Availability,
    MappaCategory Category = MappaCategory.Unspecified,
    MappaLevel Level = MappaLevel.Unspecified,
    AgencyKind LeadAgency = AgencyKind.Unspecified,
    string? UnavailableStatus = null,
    RoshLevel OverallRoshLevel = RoshLevel.Unspecified,
    Google.Type.Date? NextReviewDate = null,
    IReadOnlyList<RiskFlagKind>? Flags = null)
{
    public static SubjectRiskPicture Unavailable(string subjectId, string status) =>
        new(subjectId, RiskSummaryAvailability.Unavailable, UnavailableStatus: status);
}

/// <summary>Where the agenda's risk pictures come from (RiskAssessment over gRPC in the service).</summary>
public interface IRiskPictureSource
{
    /// <summary>Never throws for RiskAssessment being down, slow or refusing: that is an unavailable picture.</summary>
    Task<SubjectRiskPicture> FetchAsync(string subjectId, Mappa.Grpc.Client.CallOptions options);
}
