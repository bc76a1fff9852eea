using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Invitations;

/// <summary>
/// What the invitation policy needs to know about the subjects' cases.
/// </summary>
/// <param name="InvolvesChildren">The case involves children: child protection is invited as a matter of course.</param>
/// <param name="AdditionalInvitees">Duty-to-cooperate agencies for these cases (or named representatives of a default one).</param>
public sealed record CaseInvitationFacts(bool InvolvesChildren = false, IReadOnlyList<Invitee>? AdditionalInvitees = null)
{
    public static CaseInvitationFacts None { get; } = new();
}

/// <summary>Configuration of <see cref="InvitationPolicy"/> (section <c>CaseConference:Rules:Invitations</c>).</summary>
public sealed class InvitationPolicyOptions
{
    /// <summary>
    /// Agencies every conference invites. Null means the four responsible authorities (police, social work, prison
    /// service, health), as MAPPA defines them (domain.md).
    /// </summary>
    public AgencyKind[]? DefaultAgencies { get; set; }

    /// <summary>
    /// Invite child protection to every conference, not only where the case involves children. Reference 000 (E2)
    /// records one area issuing "invitations ... as a matter of course to Child Protection staff in all cases";
    /// off by default, an area's choice.
    /// </summary>
    public bool InviteChildProtectionInAllCases { get; set; }
}

/// <summary>The initial invitation list of a proposed conference: defaults first, then the case's own agencies.</summary>
public sealed class InvitationPolicy
{
    private readonly IReadOnlyList<AgencyKind> _defaultAgencies;
    private readonly bool _childProtectionInAllCases;

    public InvitationPolicy(InvitationPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _defaultAgencies = options.DefaultAgencies is { } configured ? configured.Distinct().ToArray() : AgencyKinds.ResponsibleAuthorities;
        foreach (var kind in _defaultAgencies)
        {
            // OTHER needs an organisation name, so it cannot be a default.
            if (!kind.IsDefined() || kind == AgencyKind.Other)
                throw new ArgumentException($"Default agency '{kind}' must be a known agency kind other than OTHER.", nameof(options));
        }
        _childProtectionInAllCases = options.InviteChildProtectionInAllCases;
    }

    public static InvitationPolicy Default { get; } = new(new InvitationPolicyOptions());

    /// <summary>
    /// The invitees for a new conference. An additional invitee that repeats a default agency only names its
    /// representative; two additional invitees for the same agency are refused.
    /// </summary>
    /// <param name="path">Field path of the facts in the request ("" when they are at the root).</param>
    public IReadOnlyList<(Invitee Invitee, bool ByDefault)> InitialInvitees(CaseInvitationFacts facts, string path = "")
    {
        ArgumentNullException.ThrowIfNull(facts);
        var invitees = new List<(Invitee Invitee, bool ByDefault)>();
        foreach (var kind in _defaultAgencies)
            invitees.Add((new Invitee(new AgencyRef(kind)), true));
        if ((facts.InvolvesChildren || _childProtectionInAllCases) && !_defaultAgencies.Contains(AgencyKind.ChildProtection))
            invitees.Add((new Invitee(new AgencyRef(AgencyKind.ChildProtection)), true));

        var violations = new Violations();
        var additional = facts.AdditionalInvitees ?? [];
        var firstIndexOf = new Dictionary<AgencyRef, int>();
        for (int i = 0; i < additional.Count; i++)
        {
            var itemPath = FieldPath.Index(FieldPath.Join(path, "additional_invitees"), i);
            var invitee = additional[i];
            invitee.Validate(violations, itemPath);
            if (firstIndexOf.TryGetValue(invitee.Agency, out var first))
            {
                violations.Add(itemPath, $"Repeats additional_invitees[{first}].");
                continue;
            }
            firstIndexOf[invitee.Agency] = i;

            int existing = invitees.FindIndex(entry => entry.Invitee.Agency == invitee.Agency);
            if (existing >= 0)
                invitees[existing] = (invitee, true);
            else
                invitees.Add((invitee, false));
        }
        violations.ThrowIfAny();
        return invitees;
    }
}
