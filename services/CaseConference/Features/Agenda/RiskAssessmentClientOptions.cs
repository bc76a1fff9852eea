namespace Mappa.CaseConference.Features.Agenda;

/// <summary>How this service reaches RiskAssessment (section <c>Mappa:Services:RiskAssessment</c>).</summary>
public sealed class RiskAssessmentClientOptions
{
    public const string SectionName = "Mappa:Services:RiskAssessment";

    /// <summary>
    /// Base address of RiskAssessment's gRPC endpoint, e.g. http://riskassessment:5101. Unset in the embedded suite:
    /// RiskAssessment is then this process, and the service calls its own gRPC endpoint.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Longest wait for one subject's summary, even when the caller allows more: an agenda should not hang.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The service's own bearer token (role "system") for RiskAssessment. Unset with development keys allowed: a
    /// development token is issued from the local key, as in the embedded suite.
    /// </summary>
    public string? BearerToken { get; set; }
}
