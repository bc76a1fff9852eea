using Mappa.Core.Errors;
using Mappa.Core.Time;
using Mappa.Core.WorkingDays;
using Mappa.Scheduling.Features;
using Mappa.Scheduling.Features.Invitations;
using Mappa.Scheduling.Features.Milestones;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Scheduling.Tests;

public sealed class SchedulingDomainRegistrationTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void Areas_and_proclamations_in_configuration_reach_the_calendar()
    {
        var configuration = Configuration(new()
        {
            ["Mappa:WorkingDays:Areas:0:Code"] = "glasgow-city",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Id"] = "fair-monday",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Name"] = "Glasgow Fair Monday",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Rule"] = "third Monday in July",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Source"] = "test",
            ["Mappa:WorkingDays:NationalOneOffs:0:Date"] = "2031-06-16",
            ["Mappa:WorkingDays:NationalOneOffs:0:Name"] = "Imagined celebration",
            ["Mappa:WorkingDays:NationalOneOffs:0:Source"] = "test",
            ["Mappa:Scheduling:MilestoneLocalTime"] = "08:30",
        });

        using var provider = new ServiceCollection().AddSchedulingDomain(configuration).BuildServiceProvider();
        var calendar = provider.GetRequiredService<WorkingDayCalendar>();

        Assert.False(calendar.IsWorkingDay(new DateOnly(2024, 7, 15), "glasgow-city"));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2031, 6, 16)));
        Assert.Equal(new TimeOnly(8, 30), provider.GetRequiredService<MilestoneTiming>().LocalTime);
        Assert.NotNull(provider.GetRequiredService<MilestoneSweep>());
    }

    [Fact]
    public void A_clock_registered_by_the_host_is_the_one_used()
    {
        var clock = new SimulatedClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        using var provider = services.AddSchedulingDomain(Configuration([])).BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
        var ics = provider.GetRequiredService<ICalendarWriter>().Write(new ConferenceInvitation
        {
            ConferenceId = "c1",
            Start = clock.GetUtcNow().AddDays(1),
            End = clock.GetUtcNow().AddDays(1).AddHours(1),
            MappaLevel = 3,
        });
        Assert.Contains("DTSTAMP:20300102T030405Z\r\n", ics);
    }

    [Fact]
    public void Broken_calendar_configuration_fails_at_registration()
    {
        var configuration = Configuration(new()
        {
            ["Mappa:WorkingDays:Areas:0:Code"] = "x",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Id"] = "bad",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Name"] = "Bad",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Rule"] = "the second Tuesday after pay day",
            ["Mappa:WorkingDays:Areas:0:Rules:0:Source"] = "test",
        });

        var error = Assert.Throws<ValidationFailedException>(() => new ServiceCollection().AddSchedulingDomain(configuration));
        Assert.Equal("areas[0].rules[0].rule", Assert.Single(error.Violations).Field);
    }
}
