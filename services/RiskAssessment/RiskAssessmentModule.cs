using Mappa.Contracts;
using Mappa.Hosting;
using Mappa.Messaging.Persistence;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Subjects;
using Mappa.RiskAssessment.Persistence;

namespace Mappa.RiskAssessment;

/// <summary>The RiskAssessment service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class RiskAssessmentModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5101;
    public const int DefaultHttpPort = 8101;

    public string Name => "riskassessment";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddMappaDatabase<RiskAssessmentDbContext>(context.Configuration, RiskAssessmentSchema.Migrations, ModuleDatabase.For(this, context));
        services.AddMappaAuditLog<RiskAssessmentDbContext>(MappaServices.RiskAssessmentAuditLog); // its audit log and AuditLogService
        services.AddHealthChecks().AddDbContextCheck<RiskAssessmentDbContext>("riskassessment-database", tags: [MappaServices.Subjects.FullName, MappaServices.Assessments.FullName]);
        services.AddInstrumentScoring();
        services.AddScoped<SubjectRegistry>();
        services.AddScoped<SubjectServiceHandlers>();
        services.AddAssessments(context.Configuration);
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMappaAuditLog<RiskAssessmentDbContext>();
        endpoints.MapGrpcService<SubjectServiceHandlers>(MappaServices.Subjects, SubjectServiceHandlers.Bind);
        endpoints.MapGrpcService<AssessmentServiceHandlers>(MappaServices.Assessments, AssessmentServiceHandlers.Bind);
    }
}
