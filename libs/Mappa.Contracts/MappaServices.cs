using Google.Protobuf.Reflection;

namespace Mappa.Contracts;

/// <summary>
/// The suite's gRPC services by name. The generated code (messages only, no Grpc.Core stubs) exposes services just
/// through file descriptors; this gives each a name the hosts, clients and tests can share.
/// </summary>
public static class MappaServices
{
    public static ServiceDescriptor Subjects => Find(RiskAssessment.V1.SubjectServiceReflection.Descriptor, "SubjectService");

    public static ServiceDescriptor Assessments => Find(RiskAssessment.V1.AssessmentServiceReflection.Descriptor, "AssessmentService");

    public static ServiceDescriptor Conferences => Find(CaseConference.V1.ConferenceServiceReflection.Descriptor, "ConferenceService");

    public static ServiceDescriptor ReviewCalendar => Find(Scheduling.V1.ReviewCalendarServiceReflection.Descriptor, "ReviewCalendarService");

    public static ServiceDescriptor ConferenceScheduling => Find(Scheduling.V1.ConferenceSchedulingServiceReflection.Descriptor, "ConferenceSchedulingService");

    public static ServiceDescriptor Compliance => Find(Scheduling.V1.ComplianceServiceReflection.Descriptor, "ComplianceService");

    public static ServiceDescriptor Simulation => Find(Scheduling.V1.SimulationServiceReflection.Descriptor, "SimulationService");

    /// <summary>RiskAssessment's audit log (mappa.riskassessment.v1.AuditLogService).</summary>
    public static ServiceDescriptor RiskAssessmentAuditLog => Find(RiskAssessment.V1.AuditLogServiceReflection.Descriptor, "AuditLogService");

    /// <summary>CaseConference's audit log (mappa.caseconference.v1.AuditLogService).</summary>
    public static ServiceDescriptor CaseConferenceAuditLog => Find(CaseConference.V1.AuditLogServiceReflection.Descriptor, "AuditLogService");

    /// <summary>Scheduling's audit log (mappa.scheduling.v1.AuditLogService).</summary>
    public static ServiceDescriptor SchedulingAuditLog => Find(Scheduling.V1.AuditLogServiceReflection.Descriptor, "AuditLogService");

    private static ServiceDescriptor Find(FileDescriptor file, string name) =>
        file.Services.Single(s => s.Name == name);
}
