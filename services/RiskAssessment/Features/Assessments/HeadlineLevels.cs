using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>
/// The levels an assessment gave, which every reader may see, and the one headline level per instrument that drives
/// the review policy and the risk-level-changed event: LS/CMI final level (after override), LSI-R:SV band, RM2000/S
/// final category (the sexual scale is the one MAPPA category 1 management rests on), Stable-2007 level, the higher
/// Acute-2007 level, RoSH overall level.
/// </summary>
public static class HeadlineLevels
{
    public static string Of(InstrumentResult result) => result switch
    {
        LsCmiResult lsCmi => EnumText.Of(lsCmi.FinalLevel),
        LsiRSvResult screening => EnumText.Of(screening.Band),
        RiskMatrix2000Result riskMatrix => EnumText.Of(riskMatrix.Sexual.FinalCategory),
        Stable2007Result stable => EnumText.Of(stable.Level),
        Acute2007Result acute => EnumText.Of(acute.SexualViolentLevel > acute.GeneralLevel ? acute.SexualViolentLevel : acute.GeneralLevel),
        RoshResult rosh => EnumText.Of(rosh.OverallLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.GetType().Name, "not an instrument result"),
    };

    public static Pb.AssessmentLevels Levels(InstrumentResult result)
    {
        var levels = new Pb.AssessmentLevels();
        switch (result)
        {
            case LsCmiResult lsCmi:
                levels.LsCmiLevel = (Pb.LsCmiLevel)lsCmi.FinalLevel;
                break;
            case LsiRSvResult screening:
                levels.ScreeningBand = (Pb.ScreeningBand)screening.Band;
                break;
            case RiskMatrix2000Result riskMatrix:
                levels.RiskMatrixSexual = (Pb.RiskMatrixCategory)riskMatrix.Sexual.FinalCategory;
                levels.RiskMatrixViolence = (Pb.RiskMatrixCategory)riskMatrix.Violence.FinalCategory;
                levels.RiskMatrixCombined = (Pb.RiskMatrixCategory)riskMatrix.Combined.Category;
                break;
            case Stable2007Result stable:
                levels.StableLevel = (Pb.DynamicRiskLevel)stable.Level;
                break;
            case Acute2007Result acute:
                levels.AcuteSexualViolentLevel = (Pb.DynamicRiskLevel)acute.SexualViolentLevel;
                levels.AcuteGeneralLevel = (Pb.DynamicRiskLevel)acute.GeneralLevel;
                break;
            case RoshResult rosh:
                levels.RoshOverallLevel = (Pb.RoshLevel)rosh.OverallLevel;
                levels.RoshCommunityLevel = rosh.CommunityLevel is { } community ? (Pb.RoshLevel)community : Pb.RoshLevel.Unspecified;
                levels.RoshCustodyLevel = rosh.CustodyLevel is { } custody ? (Pb.RoshLevel)custody : Pb.RoshLevel.Unspecified;
                break;
        }
        return levels;
    }
}
