using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Features.Instruments;

/// <summary>What an assessor records for one assessment: item scores or record facts, never derived values.</summary>
public abstract record InstrumentInput
{
    public abstract Instrument Instrument { get; }

    /// <summary>The proto oneof field holding this input in InstrumentScores, used as the root of field paths.</summary>
    public string FieldName => InstrumentFields.NameOf(Instrument);
}

/// <summary>What the service derived from an input, stamped with the rule set it used.</summary>
public abstract record InstrumentResult(RuleSetKey RuleSet)
{
    public abstract Instrument Instrument { get; }

    public string FieldName => InstrumentFields.NameOf(Instrument);

    /// <summary>
    /// Every derived value as (proto field path, text), e.g. ("ls_cmi.total_score", "23"). The re-scoring
    /// check compares these one by one, so a new derived field is audited as soon as it is listed here.
    /// </summary>
    public abstract IEnumerable<DerivedValue> DerivedValues();
}

public sealed record DerivedValue(string Field, string Value);

/// <summary>An item's score as the assessor gave it.</summary>
public sealed record ItemScore(int ItemNumber, int Score);

public static class InstrumentFields
{
    /// <summary>The oneof field name in InstrumentScores and InstrumentResult.</summary>
    public static string NameOf(Instrument instrument) => instrument switch
    {
        Instrument.LsCmi => "ls_cmi",
        Instrument.LsiRSv => "lsi_r_sv",
        Instrument.RiskMatrix2000 => "risk_matrix_2000",
        Instrument.Stable2007 => "stable_2007",
        Instrument.Acute2007 => "acute_2007",
        Instrument.Rosh => "rosh",
        _ => throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "not an instrument"),
    };
}
