using Mappa.Core.Time;
using Mappa.Scheduling.Features;
using Mappa.Scheduling.Features.Clock;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Scheduling.Tests;

public sealed class SchedulingClockRegistrationTests
{
    private static readonly SchedulingDomainOptions Simulated = new()
    {
        Clock = SchedulingClockKind.Simulated,
        SimulatedStart = new DateTimeOffset(2025, 9, 1, 11, 0, 0, TimeSpan.Zero),
    };

    private static IConfiguration Environment(string? name) =>
        new ConfigurationBuilder().AddInMemoryCollection(name is null ? [] : [new("environment", name)]).Build();

    [Theory]
    [InlineData("Production")]
    [InlineData("production")]
    [InlineData(null)]
    public void A_simulated_clock_is_refused_in_production_or_an_unset_environment(string? environment)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddSchedulingClock(Environment(environment), Simulated));
        Assert.Contains("Production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_development_the_scheduling_clock_is_simulated_from_the_configured_start_and_the_host_clock_is_untouched()
    {
        var provider = new ServiceCollection().AddSingleton(TimeProvider.System)
            .AddSchedulingClock(Environment("Development"), Simulated).BuildServiceProvider();

        var clock = provider.GetRequiredService<SchedulingClock>();
        Assert.IsType<SimulatedClock>(clock.Time);
        Assert.Equal(Simulated.SimulatedStart, clock.Now);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void By_default_the_scheduling_clock_is_the_hosts_clock()
    {
        var provider = new ServiceCollection().AddSingleton(TimeProvider.System)
            .AddSchedulingClock(Environment("Production"), new SchedulingDomainOptions()).BuildServiceProvider();

        Assert.Null(provider.GetRequiredService<SchedulingClock>().Simulated);
    }
}
