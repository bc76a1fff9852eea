using Mappa.Core.Time;
using Microsoft.Extensions.Hosting;

namespace Mappa.Scheduling.Features.Clock;

public static class SchedulingClockRegistration
{
    /// <summary>
    /// Registers the <see cref="SchedulingClock"/>: the host's <see cref="TimeProvider"/> (system time), or with
    /// <c>Mappa:Scheduling:Clock = Simulated</c> a <see cref="SimulatedClock"/> starting at <c>Mappa:Scheduling:SimulatedStart</c>
    /// (else now). A simulated clock is refused when the environment is Production, which is also what an unset
    /// environment means, so a deployment cannot run on simulated time by accident.
    /// </summary>
    /// <exception cref="InvalidOperationException">A simulated clock in Production.</exception>
    public static IServiceCollection AddSchedulingClock(this IServiceCollection services, IConfiguration configuration, SchedulingDomainOptions options)
    {
        if (options.Clock != SchedulingClockKind.Simulated)
        {
            services.AddSingleton(provider => new SchedulingClock(provider.GetRequiredService<TimeProvider>()));
            return services;
        }

        var environment = configuration[HostDefaults.EnvironmentKey];
        if (string.IsNullOrWhiteSpace(environment) || string.Equals(environment, Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "Mappa:Scheduling:Clock = Simulated is refused in Production (an unset environment is Production): "
                + "set ASPNETCORE_ENVIRONMENT (or --environment) to Development or a test environment for demos and tests.");
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        services.AddSingleton(new SchedulingClock(new SimulatedClock(options.SimulatedStart ?? DateTimeOffset.UtcNow, zone)));
        return services;
    }
}
