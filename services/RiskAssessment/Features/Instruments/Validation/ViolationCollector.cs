using Mappa.Core.Errors;

namespace Mappa.RiskAssessment.Features.Instruments.Validation;

/// <summary>
/// Gathers every problem in one input before failing, so a caller learns all bad fields at once.
/// Paths use proto field names relative to the request, e.g. "ls_cmi.items[12].score".
/// </summary>
public sealed class ViolationCollector
{
    private readonly List<FieldViolation> _violations = [];

    public IReadOnlyList<FieldViolation> Violations => _violations;

    public bool HasViolations => _violations.Count > 0;

    public void Add(string field, string description) => _violations.Add(new FieldViolation(field, description));

    public void ThrowIfAny()
    {
        if (HasViolations) throw new ValidationFailedException(_violations.ToArray());
    }
}

public static class FieldPath
{
    /// <summary>Joins path segments, skipping empty ones: Join("", "ls_cmi", "items[3]") is "ls_cmi.items[3]".</summary>
    public static string Join(params string[] segments) =>
        string.Join('.', segments.Where(segment => !string.IsNullOrEmpty(segment)));
}
