using Mappa.Core.WorkingDays;
using Mappa.Scheduling.Features.ConferenceSlots;
using Mappa.Scheduling.Features.Invitations;
using Mappa.Scheduling.Features.Milestones;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mappa.Scheduling.Features;

/// <summary>Settings for the scheduling domain (section <c>Mappa:Scheduling</c>).</summary>
public sealed class SchedulingDomainOptions
{
    public const string SectionName = "Mappa:Scheduling";

    /// <summary>IANA time zone for milestone times and coordinators' working hours.</summary>
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>Local time of day at which a milestone date falls due.</summary>
    public TimeOnly MilestoneLocalTime { get; set; } = new(7, 0);

    /// <summary>The right-hand side of calendar UIDs (<c>conference-id@domain</c>); use a domain the deployment owns.</summary>
    public string InvitationUidDomain { get; set; } = "mappa.invalid";

    /// <summary>Plan areas with no calendar entry on national holidays only (true), or refuse them (false).</summary>
    public bool PlanUnconfiguredAreasOnNationalHolidays { get; set; } = true;

    /// <summary>Days before the due date for "due soon"; kept on each obligation when it is first recorded.</summary>
    public int LeadTimeDays { get; set; } = 14;

    /// <summary>Days between overdue reminders; kept on each obligation when it is first recorded.</summary>
    public int ReminderCadenceDays { get; set; } = 7;

    /// <summary>Weeks until a MAPPA meeting's next review, by level (level 1 has no meeting reviews). Unverified: configure.</summary>
    public int Level2MeetingReviewWeeks { get; set; } = 12;

    public int Level3MeetingReviewWeeks { get; set; } = 6;

    /// <summary><c>System</c>, or <c>Simulated</c> for tests and demos (refused when the environment is Production).</summary>
    public Mappa.Scheduling.Features.Clock.SchedulingClockKind Clock { get; set; } = Mappa.Scheduling.Features.Clock.SchedulingClockKind.System;

    /// <summary>Where a simulated clock starts; the system time when unset.</summary>
    public DateTimeOffset? SimulatedStart { get; set; }

    /// <summary>The longest the sweep sleeps between runs (it also wakes at the next cursor and when obligations change).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Obligations taken per sweep transaction.</summary>
    public int SweepBatchSize { get; set; } = 500;
}

public static class SchedulingDomainRegistration
{
    /// <summary>
    /// Registers the working-day calendar (from <c>Mappa:WorkingDays</c>: built-in Scottish holidays plus configured
    /// areas and proclamations), the milestone planner and sweep, the slot finder and the iCalendar writer.
    /// Uses the <see cref="TimeProvider"/> already registered (the host decides whether a simulated clock is allowed),
    /// else the system clock. Configuration errors surface at start-up, not at the first review.
    /// </summary>
    public static IServiceCollection AddSchedulingDomain(this IServiceCollection services, IConfiguration configuration)
    {
        var calendarOptions = configuration.GetSection(WorkingDayCalendarOptions.SectionName).Get<WorkingDayCalendarOptions>()
            ?? new WorkingDayCalendarOptions();
        var calendar = calendarOptions.ToCalendar();
        var options = configuration.GetSection(SchedulingDomainOptions.SectionName).Get<SchedulingDomainOptions>() ?? new SchedulingDomainOptions();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(calendar);
        services.AddSingleton(new MilestoneTiming(zone, options.MilestoneLocalTime));
        services.AddSingleton(options);
        services.AddSingleton(provider => new MilestonePlanner(calendar, provider.GetRequiredService<MilestoneTiming>(), options.PlanUnconfiguredAreasOnNationalHolidays));
        services.AddSingleton<MilestoneSweep>();
        services.AddSingleton(new SlotFinder(calendar, options.PlanUnconfiguredAreasOnNationalHolidays));
        services.AddSingleton(provider => new ICalendarWriter(provider.GetRequiredService<TimeProvider>(), options.InvitationUidDomain));
        return services;
    }
}
