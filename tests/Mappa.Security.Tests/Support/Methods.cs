using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Security.Tests.Probe;

namespace Mappa.Security.Tests.Support;

/// <summary>Method descriptors from the real contracts (and the test-only probe service).</summary>
public static class Methods
{
    public static ServiceDescriptor SubjectService => SubjectServiceReflection.Descriptor.Services[0];
    public static ServiceDescriptor ConferenceService => ConferenceServiceReflection.Descriptor.Services[0];
    public static ServiceDescriptor ReviewCalendarService => ReviewCalendarServiceReflection.Descriptor.Services[0];
    public static ServiceDescriptor HealthService => HealthReflection.Descriptor.Services[0];
    public static ServiceDescriptor ProbeService => SecurityProbeReflection.Descriptor.Services[0];

    /// <summary>Every mappa service in the contracts assembly, found from its generated descriptors (so new ones are covered).</summary>
    public static IReadOnlyList<ServiceDescriptor> SuiteServices { get; } = FindSuiteServices();

    public static MethodDescriptor GetSubject => SubjectService.FindMethodByName("GetSubject");
    public static MethodDescriptor CreateSubject => SubjectService.FindMethodByName("CreateSubject");
    public static MethodDescriptor HealthCheck => HealthService.FindMethodByName("Check");

    public static MethodDescriptor Probe(string name) =>
        ProbeService.FindMethodByName(name) ?? throw new ArgumentException($"No probe method {name}.");

    private static ServiceDescriptor[] FindSuiteServices()
    {
        var services = typeof(Contracts.Common.V1.AccessExtensions).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(FileDescriptor))
            .Select(property => (FileDescriptor)property!.GetValue(null)!)
            .Where(file => file.Package.StartsWith("mappa.", StringComparison.Ordinal))
            .SelectMany(file => file.Services)
            .OrderBy(service => service.FullName, StringComparer.Ordinal)
            .ToArray();
        // Guard the discovery itself: these three existed from the start.
        Assert.Contains(SubjectService, services);
        Assert.Contains(ConferenceService, services);
        Assert.Contains(ReviewCalendarService, services);
        return services;
    }

    /// <summary>"/package.Service/Method" to its descriptor, across the suite's services.</summary>
    public static MethodDescriptor ByFullName(string fullName)
    {
        var parts = fullName.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var service = SuiteServices.Single(s => s.FullName == parts[0]);
        return service.FindMethodByName(parts[1]) ?? throw new ArgumentException($"No method {fullName}.");
    }
}
