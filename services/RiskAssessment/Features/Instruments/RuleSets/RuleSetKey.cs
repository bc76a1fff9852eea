namespace Mappa.RiskAssessment.Features.Instruments.RuleSets;

/// <summary>Identifies one version of one rule set; every scored result records it.</summary>
public sealed record RuleSetKey(string Id, int Version)
{
    public override string ToString() => $"{Id}@v{Version}";
}

/// <summary>Where a number in a rule-set file comes from, and whether it was checked against that source.</summary>
public sealed record RuleSetSource(string Claim, string Source, bool Verified);
