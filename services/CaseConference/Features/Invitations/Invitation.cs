using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Invitations;

/// <summary>An agency to invite, optionally naming its representative.</summary>
public sealed record Invitee(AgencyRef Agency, string? RepresentativeName = null)
{
    internal void Validate(Violations violations, string path)
    {
        Agency.Validate(violations, FieldPath.Join(path, "agency"));
        violations.MaxLength(FieldPath.Join(path, "representative_name"), RepresentativeName, TextLimits.Name);
    }
}

/// <summary>Numbers match <c>mappa.caseconference.v1.InvitationResponseKind</c>.</summary>
public enum InvitationResponseKind
{
    Awaiting = 1,
    Accepted = 2,
    DeclinedWithApologies = 3,
    DelegateNamed = 4,
}

/// <summary>An agency's answer to an invitation; a delegate's name comes with <see cref="InvitationResponseKind.DelegateNamed"/>.</summary>
public sealed record InvitationResponse(InvitationResponseKind Kind, string? DelegateName = null)
{
    public static InvitationResponse Accepted { get; } = new(InvitationResponseKind.Accepted);
    public static InvitationResponse DeclinedWithApologies { get; } = new(InvitationResponseKind.DeclinedWithApologies);
    public static InvitationResponse Delegate(string delegateName) => new(InvitationResponseKind.DelegateNamed, delegateName);

    internal void Validate(Violations violations)
    {
        if (!Enum.IsDefined(Kind) || Kind == InvitationResponseKind.Awaiting)
            violations.Add("response", "Accepted, declined with apologies, or delegate named is required.");
        if (Kind == InvitationResponseKind.DelegateNamed)
            violations.RequiredText("delegate_name", DelegateName, TextLimits.Name);
        else
            violations.MaxLength("delegate_name", DelegateName, TextLimits.Name);
    }
}

/// <summary>One agency's invitation to one conference, and its response.</summary>
/// <param name="InvitedByDefault">True when the invitation policy added it (responsible authorities, child protection).</param>
public sealed record Invitation(
    string Id,
    AgencyRef Agency,
    string? RepresentativeName,
    bool InvitedByDefault,
    InvitationResponseKind Response,
    string? DelegateName,
    DateTimeOffset InvitedAt,
    DateTimeOffset? RespondedAt)
{
    internal Invitation Answer(InvitationResponse response, DateTimeOffset now) => this with
    {
        Response = response.Kind,
        DelegateName = response.Kind == InvitationResponseKind.DelegateNamed ? response.DelegateName!.Trim() : null,
        RespondedAt = now,
    };

    /// <summary>Invitation ids are numbered within their conference: inv-1, inv-2, …</summary>
    internal static string IdFor(int number) => $"inv-{number}";
}
