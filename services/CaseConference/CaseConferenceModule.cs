using Mappa.CaseConference.Features.Agenda;
using Mappa.CaseConference.Features.Chronology;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Remote;
using Mappa.CaseConference.Features.ReviewDue;
using Mappa.CaseConference.Persistence;
using Mappa.Contracts;
using Mappa.Core.Time;
using Mappa.Hosting;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Persistence;
using Mappa.Security;
using Microsoft.Extensions.Options;

namespace Mappa.CaseConference;

/// <summary>The CaseConference service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class CaseConferenceModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5102;
    public const int DefaultHttpPort = 8102;

    /// <summary>Development only: start the conference clock simulated at this instant (ISO 8601), for tests and demos.</summary>
    public const string SimulatedClockStartKey = "Mappa:Services:caseconference:SimulatedClockStart";

    public string Name => "caseconference";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddMappaDatabase<CaseConferenceDbContext>(context.Configuration, CaseConferenceSchema.Migrations, ModuleDatabase.For(this, context));
        services.AddMappaAuditLog<CaseConferenceDbContext>(MappaServices.CaseConferenceAuditLog); // its audit log and AuditLogService
        services.AddHealthChecks().AddDbContextCheck<CaseConferenceDbContext>("caseconference-database", tags: [MappaServices.Conferences.FullName]);

        var rulesOptions = new ConferenceRulesOptions();
        context.Configuration.GetSection(ConferenceRulesOptions.SectionName).Bind(rulesOptions);
        services.AddSingleton(new ConferenceRules(rulesOptions));
        var simulatedStart = context.Configuration[SimulatedClockStartKey];
        services.AddSingleton(provider => new ConferenceClock(string.IsNullOrWhiteSpace(simulatedStart)
            ? provider.GetRequiredService<TimeProvider>()
            : SimulatedClock(simulatedStart, provider.GetRequiredService<IOptions<MappaAuthOptions>>().Value)));

        var riskAssessment = context.Configuration.GetSection(RiskAssessmentClientOptions.SectionName);
        services.AddOptions<RiskAssessmentClientOptions>().Bind(riskAssessment).PostConfigure(options =>
        {
            // docker-compose names each service's address as the section's own value (Mappa__Services__RiskAssessment).
            if (string.IsNullOrWhiteSpace(options.Address) && !string.IsNullOrWhiteSpace(riskAssessment.Value))
                options.Address = riskAssessment.Value;
        });
        var schedulingSection = context.Configuration.GetSection(SchedulingClientOptions.SectionName);
        services.AddOptions<SchedulingClientOptions>().Bind(schedulingSection).PostConfigure(options =>
        {
            if (string.IsNullOrWhiteSpace(options.Address) && !string.IsNullOrWhiteSpace(schedulingSection.Value))
                options.Address = schedulingSection.Value;
        });
        services.AddSingleton<SuiteServiceChannels>();
        services.AddScoped<CaseChronologyBuilder>();
        services.AddSingleton<IRiskPictureSource, RiskAssessmentRiskPictures>();

        services.AddScoped<ConferenceStore>();
        services.AddScoped<ConferenceServiceHandlers>();
        services.AddMappaConsumers(bus => bus.AddConsumer<ProposeConferenceWhenReviewDue>());
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMappaAuditLog<CaseConferenceDbContext>();
        endpoints.MapGrpcService<ConferenceServiceHandlers>(MappaServices.Conferences, ConferenceServiceHandlers.Bind);
    }

    // A hand-moved clock in production would let anyone record meetings that never happened: development only.
    private static SimulatedClock SimulatedClock(string start, MappaAuthOptions auth)
    {
        if (!auth.AllowDevelopmentKeys)
            throw new InvalidOperationException($"{SimulatedClockStartKey} is for development only (it needs Mappa:Auth:AllowDevelopmentKeys).");
        return new SimulatedClock(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture));
    }
}
