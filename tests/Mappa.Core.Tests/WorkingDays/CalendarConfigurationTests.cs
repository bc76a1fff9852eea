using Mappa.Core.Errors;
using Mappa.Core.WorkingDays;

namespace Mappa.Core.Tests.WorkingDays;

public sealed class CalendarConfigurationTests
{
    [Fact]
    public void The_example_area_file_loads_and_gives_Glasgows_local_holidays()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scottish-areas.example.json"));
        var calendar = WorkingDayCalendarOptions.FromJson(json).ToCalendar();

        var local = calendar.Holidays(2024, "glasgow-city").Where(h => h.Scope == HolidayScope.Local).Select(h => h.Date);

        // Glasgow Chamber of Commerce's 2024 list: Easter Monday 1 April, Fair Monday 15 July, Autumn 30 September.
        Assert.Equal([new DateOnly(2024, 4, 1), new DateOnly(2024, 7, 15), new DateOnly(2024, 9, 30)], local);
        Assert.True(calendar.IsWorkingDay(new DateOnly(2024, 7, 15), "city-of-edinburgh"));
        Assert.Equal(["city-of-edinburgh", "glasgow-city"], calendar.Areas.Order());
    }

    [Fact]
    public void A_proclamation_added_by_configuration_becomes_a_holiday_without_a_release()
    {
        var options = WorkingDayCalendarOptions.FromJson("""
            { "nationalOneOffs": [ { "date": "2031-06-16", "name": "Imagined celebration", "source": "Royal Proclamation (test)" } ] }
            """);

        var calendar = options.ToCalendar();

        Assert.False(calendar.IsWorkingDay(new DateOnly(2031, 6, 16)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2024, 3, 29)));   // built-in Good Friday still there
    }

    [Fact]
    public void A_configured_move_overrides_the_rule_for_that_year_only()
    {
        var options = WorkingDayCalendarOptions.FromJson("""
            { "nationalMoves": [ { "ruleId": "summer", "year": 2031, "movedTo": "2031-08-08", "reason": "test move", "source": "test" } ] }
            """);

        var calendar = options.ToCalendar();

        Assert.True(calendar.IsWorkingDay(new DateOnly(2031, 8, 4)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2031, 8, 8)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2032, 8, 2)));
    }

    [Fact]
    public void A_local_holiday_with_substitution_avoids_national_holidays()
    {
        // A local rule on 2 January with substitution, in 2022 when national holidays already hold 3 and 4 January.
        var options = new WorkingDayCalendarOptions
        {
            Areas =
            [
                new AreaOptions
                {
                    Code = "hogmanay-town",
                    Rules = [new HolidayRuleOptions { Id = "third-jan", Name = "Local new year", Rule = "2 January", Substitute = true, Source = "test" }],
                },
            ],
        };

        var calendar = options.ToCalendar();

        var local = Assert.Single(calendar.Holidays(2022, "hogmanay-town"), h => h.Scope == HolidayScope.Local);
        Assert.Equal(new DateOnly(2022, 1, 5), local.Date);
        Assert.True(local.IsSubstitute);
    }

    [Fact]
    public void Broken_configuration_is_refused_with_every_problem_named_by_path()
    {
        var options = WorkingDayCalendarOptions.FromJson("""
            {
              "areas": [
                { "code": "a", "rules": [ { "id": "x", "name": "X", "rule": "first Funday in May", "source": "s" } ] },
                { "code": "A", "rules": [ { "id": "y", "name": "Y", "rule": "1 May" } ] }
              ],
              "nationalMoves": [ { "ruleId": "no-such-rule", "year": 2030, "reason": "r", "source": "s" } ]
            }
            """);

        var error = Assert.Throws<ValidationFailedException>(options.ToDefinition);

        var fields = error.Violations.Select(v => v.Field).ToList();
        Assert.Contains("areas[0].rules[0].rule", fields);
        Assert.Contains("areas[1].code", fields);
        Assert.Contains("areas[1].rules[0].source", fields);
        Assert.Contains("national", fields);
    }

    [Fact]
    public void A_misspelt_configuration_key_is_refused_rather_than_ignored()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => WorkingDayCalendarOptions.FromJson("""{ "areaz": [] }"""));
    }
}
