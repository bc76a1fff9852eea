using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Mappa.RiskAssessment.Features.Instruments.Validation;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Instruments.Contracts;

/// <summary>
/// Translates between the instrument messages in instruments.proto and the domain model, so a gRPC handler
/// is only "map, score, store, map back". Enum values share numbers with the proto enums, so an unspecified
/// (0) value maps to an undefined domain value that the scorer rejects with the right field path.
/// </summary>
public static class InstrumentContractMapping
{
    // ---- inputs ------------------------------------------------------------------------------------

    /// <summary>The domain input carried by an InstrumentScores message; INVALID_ARGUMENT when none is set.</summary>
    /// <param name="fieldPath">Path of the InstrumentScores field in the request, for the violation ("" at the root).</param>
    public static InstrumentInput ToDomain(this Pb.InstrumentScores scores, string fieldPath = "") => scores.InstrumentCase switch
    {
        Pb.InstrumentScores.InstrumentOneofCase.LsCmi => new LsCmiInput(
            Items(scores.LsCmi.Items),
            scores.LsCmi.ProfessionalOverride is { } proposed
                ? new ProfessionalOverride((OverrideDirection)proposed.Direction, (LsCmiLevel)proposed.NewLevel, proposed.Reasons.ToArray(), proposed.ApproverId)
                : null),
        Pb.InstrumentScores.InstrumentOneofCase.LsiRSv => new LsiRSvInput(
            Items(scores.LsiRSv.Items), string.IsNullOrEmpty(scores.LsiRSv.FullAssessmentId) ? null : scores.LsiRSv.FullAssessmentId),
        Pb.InstrumentScores.InstrumentOneofCase.RiskMatrix2000 => ToDomain(scores.RiskMatrix2000),
        Pb.InstrumentScores.InstrumentOneofCase.Stable2007 => new Stable2007Input(Items(scores.Stable2007.Items), scores.Stable2007.VictimsIncludeChildren),
        Pb.InstrumentScores.InstrumentOneofCase.Acute2007 => new Acute2007Input(
            scores.Acute2007.Items.Select(item => new AcuteItemScore(item.ItemNumber, item.Score, item.InterveneNow)).ToArray()),
        Pb.InstrumentScores.InstrumentOneofCase.Rosh => new RoshInput(
            scores.Rosh.Ratings.Select(r => new RoshRating((RoshGroup)r.Group, (RoshSetting)r.Setting, (RoshLevel)r.Level)).ToArray(),
            scores.Rosh.Nature, scores.Rosh.Imminence, scores.Rosh.IncreaseFactors, scores.Rosh.MitigationFactors),
        _ => throw new ValidationFailedException(
            string.IsNullOrEmpty(fieldPath) ? "instrument" : fieldPath,
            "exactly one instrument's scores are required (ls_cmi, lsi_r_sv, risk_matrix_2000, stable_2007, acute_2007 or rosh)"),
    };

    private static RiskMatrix2000Input ToDomain(Pb.RiskMatrix2000Inputs inputs) => new(
        inputs.AgeAtCommencementOfRisk, inputs.SexualAppearances, inputs.CriminalAppearances, inputs.ViolentAppearances,
        inputs.BurglaryConviction, inputs.MaleVictim, inputs.StrangerVictim, inputs.NeverMarried, inputs.NonContactSexualOffence);

    private static ItemScore[] Items(IEnumerable<Pb.ItemScore> items) =>
        items.Select(item => new ItemScore(item.ItemNumber, item.Score)).ToArray();

    public static Pb.InstrumentScores ToContract(this InstrumentInput input)
    {
        var scores = new Pb.InstrumentScores();
        switch (input)
        {
            case LsCmiInput lsCmi:
                scores.LsCmi = new Pb.LsCmiScores { Items = { Items(lsCmi.Items) } };
                if (lsCmi.Override is { } applied)
                {
                    scores.LsCmi.ProfessionalOverride = new Pb.ProfessionalOverride
                    {
                        Direction = (Pb.OverrideDirection)applied.Direction,
                        NewLevel = (Pb.LsCmiLevel)applied.NewLevel,
                        Reasons = { applied.Reasons },
                        ApproverId = applied.ApproverId,
                    };
                }
                break;
            case LsiRSvInput screening:
                scores.LsiRSv = new Pb.LsiRSvScores { Items = { Items(screening.Items) }, FullAssessmentId = screening.FullAssessmentId ?? "" };
                break;
            case RiskMatrix2000Input riskMatrix:
                scores.RiskMatrix2000 = new Pb.RiskMatrix2000Inputs
                {
                    AgeAtCommencementOfRisk = riskMatrix.AgeAtCommencementOfRisk,
                    SexualAppearances = riskMatrix.SexualAppearances,
                    CriminalAppearances = riskMatrix.CriminalAppearances,
                    ViolentAppearances = riskMatrix.ViolentAppearances,
                    BurglaryConviction = riskMatrix.BurglaryConviction,
                    MaleVictim = riskMatrix.MaleVictim,
                    StrangerVictim = riskMatrix.StrangerVictim,
                    NeverMarried = riskMatrix.NeverMarried,
                    NonContactSexualOffence = riskMatrix.NonContactSexualOffence,
                };
                break;
            case Stable2007Input stable:
                scores.Stable2007 = new Pb.Stable2007Scores { Items = { Items(stable.Items) }, VictimsIncludeChildren = stable.VictimsIncludeChildren };
                break;
            case Acute2007Input acute:
                scores.Acute2007 = new Pb.Acute2007Scores
                {
                    Items = { acute.Items.Select(item => new Pb.AcuteItemScore { ItemNumber = item.ItemNumber, Score = item.Score, InterveneNow = item.InterveneNow }) },
                };
                break;
            case RoshInput rosh:
                scores.Rosh = new Pb.RoshRatings
                {
                    Ratings = { rosh.Ratings.Select(r => new Pb.RoshGroupRating { Group = (Pb.RoshGroup)r.Group, Setting = (Pb.RoshSetting)r.Setting, Level = (Pb.RoshLevel)r.Level }) },
                    Nature = rosh.Nature,
                    Imminence = rosh.Imminence,
                    IncreaseFactors = rosh.IncreaseFactors,
                    MitigationFactors = rosh.MitigationFactors,
                };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.GetType().Name, "not an instrument input");
        }
        return scores;
    }

    private static IEnumerable<Pb.ItemScore> Items(IEnumerable<ItemScore> items) =>
        items.Select(item => new Pb.ItemScore { ItemNumber = item.ItemNumber, Score = item.Score });

    // ---- results -----------------------------------------------------------------------------------

    public static Pb.InstrumentResult ToContract(this InstrumentResult result)
    {
        var message = new Pb.InstrumentResult();
        var ruleSet = result.RuleSet.ToContract();
        switch (result)
        {
            case LsCmiResult lsCmi:
                message.LsCmi = new Pb.LsCmiResult
                {
                    RuleSet = ruleSet,
                    Subcomponents =
                    {
                        lsCmi.Subcomponents.Select(s => new Pb.LsCmiSubcomponentScore
                        {
                            Subcomponent = (Pb.LsCmiSubcomponent)s.Subcomponent, Score = s.Score, MaxScore = s.MaxScore,
                        }),
                    },
                    TotalScore = lsCmi.TotalScore,
                    ComputedLevel = (Pb.LsCmiLevel)lsCmi.ComputedLevel,
                    FinalLevel = (Pb.LsCmiLevel)lsCmi.FinalLevel,
                    Overridden = lsCmi.Overridden,
                };
                break;
            case LsiRSvResult screening:
                message.LsiRSv = new Pb.LsiRSvResult
                {
                    RuleSet = ruleSet, TotalScore = screening.TotalScore, Band = (Pb.ScreeningBand)screening.Band,
                    FullAssessmentId = screening.FullAssessmentId ?? "",
                };
                break;
            case RiskMatrix2000Result riskMatrix:
                message.RiskMatrix2000 = new Pb.RiskMatrix2000Result
                {
                    RuleSet = ruleSet,
                    Sexual = ToContract(riskMatrix.Sexual),
                    Violence = ToContract(riskMatrix.Violence),
                    Combined = new Pb.RiskMatrixCombinedResult
                    {
                        Points = riskMatrix.Combined.Points, Category = (Pb.RiskMatrixCategory)riskMatrix.Combined.Category,
                    },
                };
                break;
            case Stable2007Result stable:
                message.Stable2007 = new Pb.Stable2007Result
                {
                    RuleSet = ruleSet, TotalScore = stable.TotalScore, MaxScore = stable.MaxScore,
                    ChildIdentificationItemScored = stable.ChildIdentificationItemScored, Level = (Pb.DynamicRiskLevel)stable.Level,
                };
                break;
            case Acute2007Result acute:
                message.Acute2007 = new Pb.Acute2007Result
                {
                    RuleSet = ruleSet,
                    SexualViolentScore = acute.SexualViolentScore, SexualViolentLevel = (Pb.DynamicRiskLevel)acute.SexualViolentLevel,
                    GeneralScore = acute.GeneralScore, GeneralLevel = (Pb.DynamicRiskLevel)acute.GeneralLevel,
                    InterveneNow = acute.InterveneNow,
                };
                break;
            case RoshResult rosh:
                message.Rosh = new Pb.RoshResult
                {
                    RuleSet = ruleSet,
                    OverallLevel = (Pb.RoshLevel)rosh.OverallLevel,
                    CommunityLevel = rosh.CommunityLevel is { } community ? (Pb.RoshLevel)community : Pb.RoshLevel.Unspecified,
                    CustodyLevel = rosh.CustodyLevel is { } custody ? (Pb.RoshLevel)custody : Pb.RoshLevel.Unspecified,
                };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result.GetType().Name, "not an instrument result");
        }
        return message;
    }

    private static Pb.RiskMatrixScaleResult ToContract(RiskMatrixScaleResult scale) => new()
    {
        Step1ItemPoints = { scale.Step1ItemPoints.Select(p => new Pb.RiskMatrixItemPoints { Item = (Pb.RiskMatrixItem)p.Item, Points = p.Points }) },
        Step1Points = scale.Step1Points,
        Step1Category = (Pb.RiskMatrixCategory)scale.Step1Category,
        AggravatingFactors = scale.AggravatingFactors,
        CategoriesRaised = scale.CategoriesRaised,
        FinalCategory = (Pb.RiskMatrixCategory)scale.FinalCategory,
    };

    /// <summary>
    /// A stored result read back, e.g. to run the re-scoring check on it. Values are taken as stored, even
    /// when wrong: finding wrong stored values is the point of the check.
    /// </summary>
    public static InstrumentResult ToDomain(this Pb.InstrumentResult result) => result.InstrumentCase switch
    {
        Pb.InstrumentResult.InstrumentOneofCase.LsCmi => new LsCmiResult(
            result.LsCmi.RuleSet.ToDomain(),
            result.LsCmi.Subcomponents.Select(s => new LsCmiSubcomponentScore((LsCmiSubcomponent)s.Subcomponent, s.Score, s.MaxScore)).ToArray(),
            result.LsCmi.TotalScore,
            (LsCmiLevel)result.LsCmi.ComputedLevel,
            (LsCmiLevel)result.LsCmi.FinalLevel,
            result.LsCmi.Overridden),
        Pb.InstrumentResult.InstrumentOneofCase.LsiRSv => new LsiRSvResult(
            result.LsiRSv.RuleSet.ToDomain(), result.LsiRSv.TotalScore, (ScreeningBand)result.LsiRSv.Band,
            string.IsNullOrEmpty(result.LsiRSv.FullAssessmentId) ? null : result.LsiRSv.FullAssessmentId),
        Pb.InstrumentResult.InstrumentOneofCase.RiskMatrix2000 => new RiskMatrix2000Result(
            result.RiskMatrix2000.RuleSet.ToDomain(),
            ToDomain(result.RiskMatrix2000.Sexual ?? new Pb.RiskMatrixScaleResult()),
            ToDomain(result.RiskMatrix2000.Violence ?? new Pb.RiskMatrixScaleResult()),
            new RiskMatrixCombinedResult(
                result.RiskMatrix2000.Combined?.Points ?? 0,
                (RiskMatrixCategory)(result.RiskMatrix2000.Combined?.Category ?? Pb.RiskMatrixCategory.Unspecified))),
        Pb.InstrumentResult.InstrumentOneofCase.Stable2007 => new Stable2007Result(
            result.Stable2007.RuleSet.ToDomain(), result.Stable2007.TotalScore, result.Stable2007.MaxScore,
            result.Stable2007.ChildIdentificationItemScored, (DynamicRiskLevel)result.Stable2007.Level),
        Pb.InstrumentResult.InstrumentOneofCase.Acute2007 => new Acute2007Result(
            result.Acute2007.RuleSet.ToDomain(),
            result.Acute2007.SexualViolentScore, (DynamicRiskLevel)result.Acute2007.SexualViolentLevel,
            result.Acute2007.GeneralScore, (DynamicRiskLevel)result.Acute2007.GeneralLevel,
            result.Acute2007.InterveneNow),
        Pb.InstrumentResult.InstrumentOneofCase.Rosh => new RoshResult(
            result.Rosh.RuleSet.ToDomain(),
            (RoshLevel)result.Rosh.OverallLevel,
            result.Rosh.CommunityLevel == Pb.RoshLevel.Unspecified ? null : (RoshLevel)result.Rosh.CommunityLevel,
            result.Rosh.CustodyLevel == Pb.RoshLevel.Unspecified ? null : (RoshLevel)result.Rosh.CustodyLevel),
        _ => throw new ArgumentException("The stored result names no instrument.", nameof(result)),
    };

    private static RiskMatrixScaleResult ToDomain(Pb.RiskMatrixScaleResult scale) => new(
        scale.Step1ItemPoints.Select(p => new RiskMatrixItemPoints((RiskMatrixItem)p.Item, p.Points)).ToArray(),
        scale.Step1Points,
        (RiskMatrixCategory)scale.Step1Category,
        scale.AggravatingFactors,
        scale.CategoriesRaised,
        (RiskMatrixCategory)scale.FinalCategory);

    // ---- small types -------------------------------------------------------------------------------

    public static Pb.RuleSetRef ToContract(this RuleSetKey key) => new() { RuleSetId = key.Id, Version = key.Version };

    public static RuleSetKey ToDomain(this Pb.RuleSetRef? reference) =>
        reference is null ? new RuleSetKey("", 0) : new RuleSetKey(reference.RuleSetId, reference.Version);

    public static Pb.Instrument ToContract(this Instrument instrument) => (Pb.Instrument)instrument;

    /// <summary>The domain instrument, or INVALID_ARGUMENT naming <paramref name="fieldPath"/> when unspecified or unknown.</summary>
    public static Instrument ToDomain(this Pb.Instrument instrument, string fieldPath = "instrument") =>
        Enum.IsDefined((Instrument)instrument)
            ? (Instrument)instrument
            : throw new ValidationFailedException(fieldPath, "say which instrument the assessment uses");

    public static Pb.ScoreMismatch ToContract(this Rescoring.ScoreMismatch mismatch) => new()
    {
        Field = mismatch.Field, StoredValue = mismatch.StoredValue, RecomputedValue = mismatch.RecomputedValue,
    };
}
