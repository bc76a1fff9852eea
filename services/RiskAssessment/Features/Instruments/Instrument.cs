using System.Text.Json.Serialization;

namespace Mappa.RiskAssessment.Features.Instruments;

// Numeric values match the proto enums in instruments.proto, so mapping is a checked cast.
// Names are written in rule-set files as UPPER_SNAKE (JsonNamingPolicy.SnakeCaseUpper); members whose
// names contain digits say their file name explicitly because the policy would not split them.

public enum Instrument
{
    LsCmi = 1,
    LsiRSv = 2,
    [JsonStringEnumMemberName("RISK_MATRIX_2000")] RiskMatrix2000 = 3,
    [JsonStringEnumMemberName("STABLE_2007")] Stable2007 = 4,
    [JsonStringEnumMemberName("ACUTE_2007")] Acute2007 = 5,
    Rosh = 6,
}

public enum LsCmiSubcomponent
{
    CriminalHistory = 1,
    EducationEmployment = 2,
    FamilyMarital = 3,
    LeisureRecreation = 4,
    Companions = 5,
    AlcoholDrugProblem = 6,
    ProcriminalAttitudeOrientation = 7,
    AntisocialPattern = 8,
}

public enum LsCmiLevel { VeryLow = 1, Low = 2, Medium = 3, High = 4, VeryHigh = 5 }

public enum OverrideDirection { Up = 1, Down = 2 }

public enum ScreeningBand { Low = 1, Moderate = 2, High = 3 }

public enum RiskMatrixCategory { Low = 1, Medium = 2, High = 3, VeryHigh = 4 }

public enum RiskMatrixItem
{
    AgeAtCommencementOfRisk = 1,
    SexualAppearances = 2,
    CriminalAppearances = 3,
    ViolentAppearances = 4,
    Burglary = 5,
}

/// <summary>Priority level shared by Stable-2007 and both Acute-2007 scales.</summary>
public enum DynamicRiskLevel { Low = 1, Moderate = 2, High = 3 }

public enum AcuteFactorGroup { SexualViolent = 1, General = 2 }

public enum RoshLevel { Low = 1, Medium = 2, High = 3, VeryHigh = 4 }

public enum RoshGroup { Children = 1, Public = 2, KnownAdult = 3, Staff = 4, Prisoners = 5 }

public enum RoshSetting { Community = 1, Custody = 2 }

/// <summary>How enum values are written in rule-set files, field paths and audit reports: "VERY_HIGH".</summary>
public static class EnumText
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, string), string> Names = new();

    /// <summary>The value's file name: its [JsonStringEnumMemberName] if it has one, else its name in UPPER_SNAKE.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) return "UNSPECIFIED";
        return Names.GetOrAdd((typeof(TEnum), value.ToString()), key =>
        {
            var member = key.Item1.GetField(key.Item2)!;
            return member.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false) is [JsonStringEnumMemberNameAttribute explicitName, ..]
                ? explicitName.Name
                : System.Text.Json.JsonNamingPolicy.SnakeCaseUpper.ConvertName(key.Item2);
        });
    }
}
