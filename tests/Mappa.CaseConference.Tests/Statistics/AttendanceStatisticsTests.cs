using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Statistics;
using static Mappa.CaseConference.Tests.Given;
using S = Mappa.CaseConference.Features.Attendance.AttendanceStatus;

namespace Mappa.CaseConference.Tests.Statistics;

public class AttendanceStatisticsTests
{
    private static readonly ReportingPeriod March2025 = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly AgencyRef[] RespAuthoritiesAndChildProtection =
        [Agency(AgencyKind.Police), Agency(AgencyKind.SocialWork), Agency(AgencyKind.PrisonService), Agency(AgencyKind.Health), Agency(AgencyKind.ChildProtection)];

    private static AttendanceRecord Rec(AgencyKind kind, S status, bool report = false, bool invited = true) =>
        new(Agency(kind), status, null, report, invited, AfterMeeting);

    private static HeldConferenceAttendance Held(string id, string area, int marchDay, AgencyRef[] invited, params AttendanceRecord[] attendance) =>
        new(id, area, new DateTimeOffset(2025, 3, marchDay, 10, 0, 0, TimeSpan.Zero), invited, attendance);

    /// <summary>
    /// The worked example. Dundee holds ten conferences in March, each inviting the responsible authorities and child
    /// protection. Police attend all ten; social work all ten (one by delegate). Agencies other than police and social
    /// work are present at seven: d1 and d2 (prison), d4 (health, by delegate), d6 (health), d7 and d9 (child
    /// protection), d8 (housing, uninvited). d3, d5 and d10 have only police and social work: 7 of 10 is 70%.
    /// Angus holds two, one with housing present. One Dundee conference in February is outside the period.
    /// </summary>
    private static IReadOnlyList<HeldConferenceAttendance> WorkedExample()
    {
        var rows = new (string Id, S Prison, bool PrisonReport, S Health, S ChildProtection, AttendanceRecord? Extra, S SocialWork)[]
        {
            ("d1", S.Attended, false, S.Apologies, S.Apologies, null, S.Attended),
            ("d2", S.Attended, false, S.Apologies, S.Apologies, null, S.Attended),
            ("d3", S.Apologies, true, S.Apologies, S.Apologies, null, S.Attended),
            ("d4", S.Apologies, true, S.DelegateAttended, S.AbsentWithoutApology, null, S.Attended),
            ("d5", S.Apologies, true, S.AbsentWithoutApology, S.AbsentWithoutApology, null, S.Attended),
            ("d6", S.Apologies, false, S.Attended, S.AbsentWithoutApology, null, S.Attended),
            ("d7", S.Apologies, false, S.Apologies, S.Attended, null, S.Attended),
            ("d8", S.Apologies, false, S.Apologies, S.AbsentWithoutApology, Rec(AgencyKind.Housing, S.Attended, invited: false), S.Attended),
            ("d9", S.Apologies, false, S.Apologies, S.Attended, null, S.Attended),
            ("d10", S.Apologies, false, S.Apologies, S.AbsentWithoutApology, null, S.DelegateAttended),
        };
        var dundee = rows.Select((row, index) => Held(row.Id, "dundee", index + 3, RespAuthoritiesAndChildProtection,
            new[]
            {
                Rec(AgencyKind.Police, S.Attended), Rec(AgencyKind.SocialWork, row.SocialWork), Rec(AgencyKind.PrisonService, row.Prison, row.PrisonReport),
                Rec(AgencyKind.Health, row.Health), Rec(AgencyKind.ChildProtection, row.ChildProtection),
            }.Concat(row.Extra is null ? [] : [row.Extra]).ToArray()));

        AgencyRef[] responsibleAuthorities = [Agency(AgencyKind.Police), Agency(AgencyKind.SocialWork), Agency(AgencyKind.PrisonService), Agency(AgencyKind.Health)];
        var angus = new[]
        {
            Held("a1", "angus", 20, responsibleAuthorities, Rec(AgencyKind.Police, S.Attended), Rec(AgencyKind.SocialWork, S.Attended), Rec(AgencyKind.Health, S.Apologies)),
            Held("a2", "angus", 21, responsibleAuthorities, Rec(AgencyKind.Police, S.Attended), Rec(AgencyKind.Housing, S.Attended, invited: false)),
        };
        var february = new HeldConferenceAttendance("d0", "dundee", new DateTimeOffset(2025, 2, 28, 10, 0, 0, TimeSpan.Zero),
            RespAuthoritiesAndChildProtection, [Rec(AgencyKind.Health, S.Attended)]);

        return [.. dundee, .. angus, february];
    }

    [Fact]
    public void Seven_of_ten_dundee_conferences_were_attended_by_agencies_other_than_police_and_social_work()
    {
        var report = AttendanceStatistics.Compute(WorkedExample(), March2025);

        var dundee = Assert.Single(report.Areas, area => area.Area == "dundee").Summary;
        Assert.Equal((10, 7), (dundee.ConferencesHeld, dundee.ConferencesAttendedByOtherAgencies));
        Assert.Equal(0.7, dundee.OtherAgencyAttendanceShare!.Value, 10);
    }

    [Fact]
    public void Figures_per_agency_count_conferences_by_each_agencys_best_showing()
    {
        var dundee = AttendanceStatistics.Compute(WorkedExample(), March2025, "dundee").Overall;

        Assert.Equal(
            [
                // agency, invited, attended, by delegate, apologies, absent, written reports, invited & attended
                new AgencyAttendance(AgencyKind.Police, 10, 10, 0, 0, 0, 0, 10),
                new AgencyAttendance(AgencyKind.SocialWork, 10, 10, 1, 0, 0, 0, 10),
                new AgencyAttendance(AgencyKind.PrisonService, 10, 2, 0, 8, 0, 3, 2),
                new AgencyAttendance(AgencyKind.Health, 10, 2, 1, 7, 1, 0, 2),
                new AgencyAttendance(AgencyKind.Housing, 0, 1, 0, 0, 0, 0, 0),
                new AgencyAttendance(AgencyKind.ChildProtection, 10, 2, 0, 3, 5, 0, 2),
            ],
            dundee.Agencies);
        Assert.Equal(0.2, dundee.Agencies.Single(agency => agency.Agency == AgencyKind.Health).AttendanceRate!.Value, 10);
        Assert.Null(dundee.Agencies.Single(agency => agency.Agency == AgencyKind.Housing).AttendanceRate);
    }

    [Fact]
    public void The_overall_figure_spans_every_area_held_in_the_period()
    {
        var report = AttendanceStatistics.Compute(WorkedExample(), March2025);

        Assert.Equal(["angus", "dundee"], report.Areas.Select(area => area.Area));
        Assert.Equal((12, 8), (report.Overall.ConferencesHeld, report.Overall.ConferencesAttendedByOtherAgencies));
        Assert.Equal(8.0 / 12, report.Overall.OtherAgencyAttendanceShare!.Value, 10);
        var angus = report.Areas[0].Summary;
        Assert.Equal((2, 1, (double?)0.5), (angus.ConferencesHeld, angus.ConferencesAttendedByOtherAgencies, angus.OtherAgencyAttendanceShare));
    }

    [Fact]
    public void Conferences_outside_the_period_or_area_are_left_out()
    {
        var angusOnly = AttendanceStatistics.Compute(WorkedExample(), March2025, "angus");
        var february = AttendanceStatistics.Compute(WorkedExample(),
            new ReportingPeriod(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), March2025.Start));

        Assert.Equal(["angus"], angusOnly.Areas.Select(area => area.Area));
        Assert.Equal(2, angusOnly.Overall.ConferencesHeld);
        Assert.Equal((1, 1), (february.Overall.ConferencesHeld, february.Overall.ConferencesAttendedByOtherAgencies));
    }

    [Fact]
    public void With_no_conferences_held_there_is_no_share_rather_than_zero()
    {
        var report = AttendanceStatistics.Compute([], March2025);

        Assert.Equal(0, report.Overall.ConferencesHeld);
        Assert.Null(report.Overall.OtherAgencyAttendanceShare);
        Assert.Empty(report.Areas);
    }

    [Fact]
    public void Only_held_or_minuted_conferences_give_attendance_facts()
    {
        Assert.Null(HeldConferenceAttendance.Of(Given.Scheduled()));
        Assert.Null(HeldConferenceAttendance.Of(Given.Cancelled()));

        var facts = HeldConferenceAttendance.Of(Given.Minuted())!;
        var report = AttendanceStatistics.Compute([facts], March2025);

        Assert.Equal((1, 1), (report.Overall.ConferencesHeld, report.Overall.ConferencesAttendedByOtherAgencies));
        Assert.Equal(MeetingStart, facts.HeldAt);
    }

    [Fact]
    public void A_period_must_end_after_it_starts()
    {
        Assert.Equal(["period_end"], FieldsOf(() => _ = new ReportingPeriod(March2025.End, March2025.Start)));
    }
}
