using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.ReviewDue;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>Configuration of the conference rules (section <c>CaseConference:Rules</c>).</summary>
public sealed class ConferenceRulesOptions
{
    public const string SectionName = "CaseConference:Rules";

    /// <summary>The zone whose calendar day is a meeting's date; review dates count from it.</summary>
    public string MeetingTimeZoneId { get; set; } = "Europe/London";

    public InvitationPolicyOptions Invitations { get; set; } = new();
    public QuorumOptions Quorum { get; set; } = new();
    public ReviewDatePolicyOptions ReviewDates { get; set; } = new();
    public ReviewDueProposalOptions ReviewDue { get; set; } = new();
}

/// <summary>The configured rules a handler passes to <see cref="Conference"/> operations; one instance per service.</summary>
public sealed class ConferenceRules
{
    public ConferenceRules(ConferenceRulesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MeetingTimeZone = TimeZoneInfo.FindSystemTimeZoneById(options.MeetingTimeZoneId);
        Invitations = new InvitationPolicy(options.Invitations);
        Quorum = new QuorumRule(options.Quorum);
        ReviewDates = new ReviewDatePolicy(options.ReviewDates);
        ReviewDue = new ReviewDueProposalRule(options.ReviewDue);
    }

    public static ConferenceRules Default { get; } = new(new ConferenceRulesOptions());

    public TimeZoneInfo MeetingTimeZone { get; }
    public InvitationPolicy Invitations { get; }
    public QuorumRule Quorum { get; }
    public ReviewDatePolicy ReviewDates { get; }
    public ReviewDueProposalRule ReviewDue { get; }
}
