using Mappa.Core.Errors;

namespace Mappa.CaseConference.Features.Validation;

/// <summary>
/// Gathers every problem in one input before failing, so a caller learns all bad fields at once.
/// Paths use the proto field names of the request, e.g. "additional_invitees[2].agency.kind".
/// </summary>
internal sealed class Violations
{
    private readonly List<FieldViolation> _violations = [];

    public bool Any => _violations.Count > 0;

    public void Add(string field, string description) => _violations.Add(new FieldViolation(field, description));

    /// <summary>Adds a violation unless the text has content; returns whether it had.</summary>
    public bool Required(string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            return true;
        Add(field, "Required.");
        return false;
    }

    public void MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
            Add(field, $"At most {maxLength} characters.");
    }

    /// <summary>Required, and no longer than <paramref name="maxLength"/>.</summary>
    public void RequiredText(string field, string? value, int maxLength)
    {
        if (Required(field, value))
            MaxLength(field, value, maxLength);
    }

    public void ThrowIfAny()
    {
        if (Any)
            throw new ValidationFailedException(_violations.ToArray());
    }
}

internal static class FieldPath
{
    /// <summary>Joins path segments, skipping empty ones: Join("", "venue", "place") is "venue.place".</summary>
    public static string Join(params string[] segments) =>
        string.Join('.', segments.Where(segment => !string.IsNullOrEmpty(segment)));

    public static string Index(string path, int index) => $"{path}[{index}]";
}

/// <summary>Limits on free text, so one field cannot carry a document.</summary>
internal static class TextLimits
{
    public const int Id = 128;
    public const int Name = 200;
    public const int Reason = 2_000;
    public const int Description = 4_000;
    public const int Summary = 20_000;
}
