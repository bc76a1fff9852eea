using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Conferences;

namespace Mappa.CaseConference.Features.Attendance;

/// <summary>Configuration of <see cref="QuorumRule"/> (section <c>CaseConference:Rules:Quorum</c>).</summary>
public sealed class QuorumOptions
{
    /// <summary>Agencies that must be present for a quorate meeting. Null means the four responsible authorities.</summary>
    public AgencyKind[]? RequiredAgencies { get; set; }
}

/// <summary>Why a required agency counts as present or not. Numbers match <c>mappa.caseconference.v1.AgencyPresence</c>.</summary>
public enum AgencyPresence
{
    Present = 1,
    Apologies = 2,
    AbsentWithoutApology = 3,

    /// <summary>Invited, but no attendance recorded (yet).</summary>
    NotRecorded = 4,

    NotInvited = 5,
}

public sealed record RequiredAgencyPresence(AgencyKind Agency, AgencyPresence Presence, bool WrittenReportSubmitted);

/// <summary>
/// Whether the required agencies were present, and for each one that was not, why. Reported, never enforced:
/// conferences "go ahead in their absence rather than delay the development of the plans" (reference 000, E2).
/// </summary>
public sealed record QuorumReport(IReadOnlyList<RequiredAgencyPresence> RequiredAgencies)
{
    public bool IsQuorate => RequiredAgencies.All(required => required.Presence == AgencyPresence.Present);

    public IReadOnlyList<RequiredAgencyPresence> Missing =>
        RequiredAgencies.Where(required => required.Presence != AgencyPresence.Present).ToArray();
}

/// <summary>The quorum rule: every required agency (by default each responsible authority) present in person or by delegate.</summary>
public sealed class QuorumRule
{
    public QuorumRule(QuorumOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequiredAgencies = options.RequiredAgencies is { } configured ? configured.Distinct().ToArray() : AgencyKinds.ResponsibleAuthorities;
        foreach (var kind in RequiredAgencies)
        {
            if (!kind.IsDefined())
                throw new ArgumentException($"Required agency '{kind}' is not a known agency kind.", nameof(options));
        }
    }

    public static QuorumRule Default { get; } = new(new QuorumOptions());

    public IReadOnlyList<AgencyKind> RequiredAgencies { get; }

    public QuorumReport Evaluate(Conference conference)
    {
        ArgumentNullException.ThrowIfNull(conference);
        return new QuorumReport(RequiredAgencies.Select(kind => PresenceOf(kind, conference)).ToArray());
    }

    private static RequiredAgencyPresence PresenceOf(AgencyKind kind, Conference conference)
    {
        var records = conference.Attendance.Where(record => record.Agency.Kind == kind).ToArray();
        bool writtenReport = records.Any(record => record.WrittenReportSubmitted);
        bool invited = conference.Invitations.Any(invitation => invitation.Agency.Kind == kind);

        // With several bodies of one kind, the best showing counts: present beats apologies beats absence.
        var presence =
            records.Any(record => record.IsPresent) ? AgencyPresence.Present
            : records.Any(record => record.Status == AttendanceStatus.Apologies) ? AgencyPresence.Apologies
            : records.Any(record => record.Status == AttendanceStatus.AbsentWithoutApology) ? AgencyPresence.AbsentWithoutApology
            : invited ? AgencyPresence.NotRecorded
            : AgencyPresence.NotInvited;
        return new RequiredAgencyPresence(kind, presence, writtenReport);
    }
}
