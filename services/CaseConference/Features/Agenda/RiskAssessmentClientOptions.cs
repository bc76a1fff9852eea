namespace Mappa.CaseConference.Features.Agenda;

/// <summary>How this service reaches RiskAssessment (section <c>Mappa:Services:RiskAssessment</c>).</summary>
public sealed class RiskAssessmentClientOptions
{
    public const string SectionName = "Mappa:Services:RiskAssessment";

    /// <summary>
    /// Base address of RiskAssessment's gRPC endpoint, e.g. http://riskassessment:5101 (the section's own value,
    /// <c>Mappa:Services:RiskAssessment</c>, is accepted too, as docker-compose sets it). Unset in the embedded suite:
    /// RiskAssessment is then this process, and the service calls its own gRPC endpoint.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>Longest wait for one subject's summary, even when the caller allows more: an agenda should not hang.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The service's own bearer token (role "system") for RiskAssessment, issued by the deployment's identity provider.
    /// Unset with development keys allowed: a development token is issued from the local key, as in the embedded
    /// suite. Unset otherwise: calls go without a token, RiskAssessment refuses them, and agendas mark every risk
    /// summary unavailable.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>
    /// A file holding the service's token, re-read whenever it changes, for deployments where an agent of the
    /// identity provider renews short-lived tokens on disk. Takes precedence over <see cref="BearerToken"/>.
    /// </summary>
    public string? BearerTokenFile { get; set; }
}
