using System.Text;
using Mappa.Core.Errors;
using Mappa.Core.Time;
using Mappa.Scheduling.Features.Invitations;

namespace Mappa.Scheduling.Tests.Invitations;

public sealed class ICalendarWriterTests
{
    private static readonly SimulatedClock Clock = new(new DateTimeOffset(2025, 5, 20, 14, 3, 9, TimeSpan.Zero));
    private static readonly ICalendarWriter Writer = new(Clock, "mappa.example");

    private static ConferenceInvitation Invitation() => new()
    {
        ConferenceId = "conf-7f3a",
        Start = new DateTimeOffset(2025, 6, 2, 9, 0, 0, TimeSpan.FromHours(1)),   // 09:00 BST
        End = new DateTimeOffset(2025, 6, 2, 10, 30, 0, TimeSpan.FromHours(1)),
        MappaLevel = 2,
        Location = "Police Scotland, Helen Street; Meeting room 2",
        Organizer = new OrganizerMailbox("MAPPA Coordinator, Glasgow", "mappa.coordinator@glasgow.example"),
        Attendees =
        [
            new AgencyMailbox("Police Scotland", "mappa@police.example", Required: true),
            new AgencyMailbox("Housing: \"Homelessness\"; West", "housing.mappa@glasgow.example", Required: false),
        ],
    };

    /// <summary>Undoes line folding (RFC 5545 §3.1): a CRLF followed by one space or tab is removed.</summary>
    private static List<string> Unfold(string ics) =>
        [.. ics.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal)
            .Split("\r\n").SkipLast(1)];

    private static string Value(List<string> lines, string name) =>
        lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal) || l.StartsWith(name + ";", StringComparison.Ordinal))
            .Split(':', 2)[1];

    [Fact]
    public void The_calendar_has_one_event_with_the_required_properties()
    {
        var lines = Unfold(Writer.Write(Invitation()));

        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Contains(lines, l => l.StartsWith("PRODID:", StringComparison.Ordinal));
        Assert.Single(lines, "BEGIN:VEVENT");
        Assert.Single(lines, "END:VEVENT");
        Assert.Equal("conf-7f3a@mappa.example", Value(lines, "UID"));
        Assert.Equal("20250520T140309Z", Value(lines, "DTSTAMP"));
        Assert.Contains("METHOD:REQUEST", lines);
    }

    [Fact]
    public void Start_and_end_are_written_in_UTC()
    {
        var lines = Unfold(Writer.Write(Invitation()));

        Assert.Equal("20250602T080000Z", Value(lines, "DTSTART"));
        Assert.Equal("20250602T093000Z", Value(lines, "DTEND"));
    }

    [Fact]
    public void The_summary_names_only_the_level_and_purpose()
    {
        var lines = Unfold(Writer.Write(Invitation()));

        Assert.Equal("MAPPA level 2 review conference", Value(lines, "SUMMARY"));
        Assert.Contains("CLASS:CONFIDENTIAL", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("DESCRIPTION", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_line_ends_in_CRLF_and_no_bare_line_feed_or_carriage_return_appears()
    {
        var ics = Writer.Write(Invitation() with { Location = "Line one\nLine two\r\nLine three\rLine four" });

        Assert.EndsWith("\r\n", ics);
        for (int i = 0; i < ics.Length; i++)
        {
            if (ics[i] == '\r')
                Assert.Equal('\n', ics[i + 1]);
            if (ics[i] == '\n')
                Assert.Equal('\r', ics[i - 1]);
        }
        Assert.Equal(@"Line one\nLine two\nLine three\nLine four", Value(Unfold(ics), "LOCATION"));
    }

    [Fact]
    public void Text_values_escape_backslash_semicolon_and_comma()
    {
        var ics = Writer.Write(Invitation() with { Location = @"Room 3; Floor 2, Pitt St\Annex" });

        Assert.Equal(@"Room 3\; Floor 2\, Pitt St\\Annex", Value(Unfold(ics), "LOCATION"));
    }

    [Fact]
    public void Long_lines_are_folded_at_75_octets_without_splitting_a_character()
    {
        // Multi-byte characters (2, 3 and 4 octets in UTF-8) around every possible fold position.
        string location = string.Concat(Enumerable.Repeat("Æ€𝄞 Meeting room Ⅳ, ", 12));
        var bytes = Writer.WriteUtf8(Invitation() with { Location = location });
        var ics = Encoding.UTF8.GetString(bytes);

        var physical = ics.Split("\r\n").SkipLast(1).ToList();
        Assert.Contains(physical, l => l.StartsWith(' '));
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        int offset = 0;
        foreach (var line in physical)
        {
            int octets = Encoding.UTF8.GetByteCount(line);
            Assert.True(octets <= 75, $"{octets} octets: {line}");
            strictUtf8.GetString(bytes, offset, octets);   // each physical line decodes alone: no character was cut
            offset += octets + 2;
        }
        Assert.Equal(ICalendarWriter.EscapeText(location), Value(Unfold(ics), "LOCATION"));
    }

    [Fact]
    public void Each_invited_agency_mailbox_is_an_attendee_with_its_role()
    {
        var attendees = Unfold(Writer.Write(Invitation())).Where(l => l.StartsWith("ATTENDEE", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, attendees.Count);
        Assert.Equal("ATTENDEE;CUTYPE=GROUP;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Police Scotland\":mailto:mappa@police.example",
            attendees[0]);
        // Parameter values are quoted (so ';' and ':' are safe) and cannot hold a DQUOTE, which is dropped.
        Assert.Equal("ATTENDEE;CUTYPE=GROUP;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Housing: Homelessness; West\":mailto:housing.mappa@glasgow.example",
            attendees[1]);
    }

    [Fact]
    public void An_online_meeting_gives_a_URL_and_serves_as_the_location_when_there_is_no_venue()
    {
        var lines = Unfold(Writer.Write(Invitation() with { Location = null, OnlineMeetingLink = new Uri("https://meet.example/j/123?pwd=a,b") }));

        Assert.Equal("https://meet.example/j/123?pwd=a,b", Value(lines, "URL"));
        Assert.Equal(@"https://meet.example/j/123?pwd=a\,b", Value(lines, "LOCATION"));
    }

    [Fact]
    public void A_cancelled_conference_is_sent_as_a_cancellation()
    {
        var ics = Writer.Write(Invitation() with { Cancelled = true, Sequence = 2 });
        var lines = Unfold(ics);

        Assert.Contains("METHOD:CANCEL", lines);
        Assert.Contains("STATUS:CANCELLED", lines);
        Assert.Contains("SEQUENCE:2", lines);
        Assert.Equal("text/calendar; charset=utf-8; method=CANCEL", ICalendarWriter.ContentTypeFor(Invitation() with { Cancelled = true }));
    }

    [Fact]
    public void Without_an_organizer_no_scheduling_method_is_claimed()
    {
        var lines = Unfold(Writer.Write(Invitation() with { Organizer = null }));

        Assert.DoesNotContain(lines, l => l.StartsWith("METHOD", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ORGANIZER", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mailbox_that_could_inject_properties_is_refused()
    {
        var error = Assert.Throws<ValidationFailedException>(() => Writer.Write(Invitation() with
        {
            Attendees = [new AgencyMailbox("Health", "x@health.example\r\nATTENDEE:mailto:spy@evil.example", Required: true)],
        }));

        Assert.Equal("attendees[0].email", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Control_characters_cannot_break_out_of_a_text_value()
    {
        var lines = Unfold(Writer.Write(Invitation() with { Location = "Room 1\u0000\u0007\r\nDTSTART:19700101T000000Z" }));

        Assert.Equal(@"Room 1\nDTSTART:19700101T000000Z", Value(lines, "LOCATION"));
        Assert.Single(lines, l => l.StartsWith("DTSTART", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invitation_that_ends_before_it_starts_is_refused()
    {
        var invitation = Invitation();
        var error = Assert.Throws<ValidationFailedException>(() => Writer.Write(invitation with { End = invitation.Start, MappaLevel = 4 }));

        Assert.Equal(["end", "mappa_level"], error.Violations.Select(v => v.Field));
    }
}
