using Mappa.RiskAssessment.Features.Instruments.Rescoring;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Features.Instruments;

public static class InstrumentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the rule-set registry (loaded once; a bad file stops start-up), scoring and the re-scoring check.
    /// </summary>
    /// <param name="ruleSetDirectory">Where the rule-set files are; defaults to RuleSets next to the application.</param>
    public static IServiceCollection AddInstrumentScoring(this IServiceCollection services, string? ruleSetDirectory = null)
    {
        services.AddSingleton(_ => ruleSetDirectory is null ? RuleSetRegistry.LoadDefault() : RuleSetRegistry.LoadFrom(ruleSetDirectory));
        services.AddSingleton<InstrumentScoring>();
        services.AddSingleton<RescoringCheck>();
        return services;
    }
}
