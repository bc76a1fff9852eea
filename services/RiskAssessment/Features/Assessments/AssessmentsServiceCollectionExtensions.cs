using Mappa.Core.WorkingDays;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mappa.RiskAssessment.Features.Assessments;

public static class AssessmentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the assessment record, its review policy (<see cref="ReviewPolicyOptions.SectionName"/>) and the
    /// working-day calendar (<c>Mappa:WorkingDays</c>, the same one Scheduling uses). Bad configuration stops start-up.
    /// </summary>
    public static IServiceCollection AddAssessments(this IServiceCollection services, IConfiguration configuration)
    {
        var policyOptions = configuration.GetSection(ReviewPolicyOptions.SectionName).Get<ReviewPolicyOptions>() ?? new ReviewPolicyOptions();
        _ = TimeZoneInfo.FindSystemTimeZoneById(policyOptions.TimeZone);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => (configuration.GetSection(WorkingDayCalendarOptions.SectionName).Get<WorkingDayCalendarOptions>()
            ?? new WorkingDayCalendarOptions()).ToCalendar());
        services.AddSingleton(policyOptions);
        services.AddSingleton<ReviewPolicy>();
        services.AddSingleton<RiskSummaries>();
        services.AddSingleton<AssessmentRequests>();
        services.AddScoped<AssessmentAudit>();
        services.AddHostedService<LegacyAuditImport>(); // old audit_entries rows into the audit log
        services.AddScoped<AssessmentBook>();
        services.AddScoped<AssessmentDrafts>();
        services.AddScoped<AssessmentRescoring>();
        services.AddScoped<AssessmentServiceHandlers>();
        return services;
    }
}
