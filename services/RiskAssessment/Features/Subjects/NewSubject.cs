using System.Text.RegularExpressions;
using Mappa.Contracts.Common.V1;
using Mappa.Core.Errors;

namespace Mappa.RiskAssessment.Features.Subjects;

/// <summary>What a caller asks to register. <see cref="Validate"/> names every broken rule by its proto field path.</summary>
public sealed partial record NewSubject(
    string? RequestId,
    IReadOnlyList<(string Type, string Value)> Identifiers,
    MappaCategory Category,
    AgencyKind LeadAgency,
    string Area,
    string DisplayName,
    DateOnly? SupervisionStartDate = null)
{
    public const int MaxIdentifiers = 10;
    public const int MaxIdentifierValueLength = 64;
    public const int MaxDisplayNameLength = 200;

    public void Validate()
    {
        var violations = new List<FieldViolation>();
        if (!string.IsNullOrEmpty(RequestId) && !Guid.TryParse(RequestId, out _))
        {
            violations.Add(new("request_id", "Must be a UUID chosen by the client (or empty)."));
        }
        if (Identifiers.Count == 0)
        {
            violations.Add(new("identifiers", "At least one external identifier (e.g. PNC, prison number, CHI) is required."));
        }
        else if (Identifiers.Count > MaxIdentifiers)
        {
            violations.Add(new("identifiers", $"At most {MaxIdentifiers} identifiers are allowed."));
        }
        for (var i = 0; i < Math.Min(Identifiers.Count, MaxIdentifiers); i++)
        {
            var (type, value) = Identifiers[i];
            if (!IdentifierTypePattern().IsMatch(type))
            {
                violations.Add(new($"identifiers[{i}].type", "Must be an upper-case scheme name such as PNC, PRISON_NUMBER or CHI."));
            }
            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdentifierValueLength || !IsPrintableAscii(value))
            {
                violations.Add(new($"identifiers[{i}].value", $"Must be 1 to {MaxIdentifierValueLength} printable ASCII characters."));
            }
            for (var j = 0; j < i; j++)
            {
                if (Identifiers[j].Type == type && Identifiers[j].Value == value)
                {
                    violations.Add(new($"identifiers[{i}]", $"Repeats identifiers[{j}]."));
                }
            }
        }
        if (Category == MappaCategory.Unspecified || !Enum.IsDefined(Category))
        {
            violations.Add(new("category", "Must be MAPPA category 1, 2 or 3."));
        }
        if (LeadAgency == AgencyKind.Unspecified || !Enum.IsDefined(LeadAgency))
        {
            violations.Add(new("lead_agency", "Must name the lead agency."));
        }
        if (!AreaCodes.IsValid(Area))
        {
            violations.Add(new("area", AreaCodes.Rule));
        }
        if (DisplayName.Length > MaxDisplayNameLength)
        {
            violations.Add(new("display_name", $"At most {MaxDisplayNameLength} characters."));
        }
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,31}$")]
    private static partial Regex IdentifierTypePattern();
}

/// <summary>Local-authority area codes, e.g. "glasgow", "north-lanarkshire".</summary>
public static partial class AreaCodes
{
    public const string Rule = "Must be a lower-case area code of 1 to 64 letters, digits and hyphens, e.g. \"glasgow\".";

    public static bool IsValid(string? area) => area is not null && AreaPattern().IsMatch(area);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex AreaPattern();
}
