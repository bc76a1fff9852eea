namespace Mappa.CaseConference.Features.Remote;

/// <summary>How this service reaches Scheduling (section <c>Mappa:Services:Scheduling</c>), for the case chronology.</summary>
public sealed class SchedulingClientOptions
{
    public const string SectionName = "Mappa:Services:Scheduling";

    /// <summary>Scheduling's gRPC address (or the section's own value); unset in the embedded suite: this process.</summary>
    public string? Address { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The service's own token for Scheduling; unset: the development token when development keys are allowed.</summary>
    public string? BearerToken { get; set; }

    /// <summary>
    /// A file holding the service's token, re-read whenever it changes, for deployments where an agent of the
    /// identity provider renews short-lived tokens on disk. Takes precedence over <see cref="BearerToken"/>.
    /// </summary>
    public string? BearerTokenFile { get; set; }
}
