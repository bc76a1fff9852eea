using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>Where a conference meets: a place, a virtual link, or both for a hybrid meeting.</summary>
public sealed record Venue
{
    public Venue(string? place, string? virtualLink)
    {
        Place = string.IsNullOrWhiteSpace(place) ? null : place.Trim();
        VirtualLink = string.IsNullOrWhiteSpace(virtualLink) ? null : virtualLink.Trim();
    }

    public string? Place { get; }

    public string? VirtualLink { get; }

    public static Venue InPerson(string place) => new(place, null);

    public static Venue Virtual(string link) => new(null, link);

    internal void Validate(Violations violations, string path)
    {
        if (Place is null && VirtualLink is null)
            violations.Add(path, "A place or a virtual_link is required.");
        violations.MaxLength(FieldPath.Join(path, "place"), Place, TextLimits.Name);
        if (VirtualLink is not null
            && (!Uri.TryCreate(VirtualLink, UriKind.Absolute, out var link) || link.Scheme != Uri.UriSchemeHttps || VirtualLink.Length > 2_000))
            violations.Add(FieldPath.Join(path, "virtual_link"), "An absolute https link is required.");
    }
}
