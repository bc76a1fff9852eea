using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Scheduling.V1;
using Spectre.Console;

namespace Mappa.Cli.Conferences;

/// <summary>`mappa conferences slots` and `mappa conferences ics`: the Scheduling service's side of a conference.</summary>
public static class ConferenceSchedulingCommands
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ProposeMethod = MappaServices.ConferenceScheduling.FindMethodByName("ProposeConferenceSlots");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ExportMethod = MappaServices.ConferenceScheduling.FindMethodByName("ExportConferenceCalendar");

    public static Command Slots(CommandRunner run)
    {
        var subject = new Argument<string>("subject-id") { Description = "The subject the conference is about (its review date bounds the window)." };
        var from = new Option<string?>("--from") { Description = "Window start, ISO 8601 (default now)." };
        var to = new Option<string?>("--to") { Description = "Window end, ISO 8601 (default the service's: before the subject's review)." };
        var length = new Option<int>("--length-minutes") { Description = "Meeting length (default 90).", DefaultValueFactory = _ => 90 };
        var required = new Option<string[]>("--required-agency") { Description = "An agency that must be free (repeatable)." };
        var invited = new Option<string[]>("--invited-agency") { Description = "An agency invited but not required (repeatable)." };
        var max = new Option<int>("--max") { Description = "At most this many proposals (default the service's)." };
        var command = new Command("slots", "Propose conference times around meetings already booked in the area.") { subject, from, to, length, required, invited, max };
        run.SetAction(command, async context =>
        {
            var request = new ProposeConferenceSlotsRequest
            {
                SubjectId = context.Value(subject)!,
                WindowStart = Times.Parse(context.Value(from), "--from"),
                WindowEnd = Times.Parse(context.Value(to), "--to"),
                MeetingLength = Duration.FromTimeSpan(TimeSpan.FromMinutes(context.Value(length))),
                RequiredAgencies = { context.Value(required) ?? [] },
                InvitedAgencies = { context.Value(invited) ?? [] },
                MaxProposals = context.Value(max),
            };
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<ProposeConferenceSlotsRequest, ProposeConferenceSlotsResponse>(ProposeMethod, request);
            if (context.Json)
            {
                Output.WriteJson(context, response);
                return ExitCodes.Ok;
            }
            if (response.Proposals.Count == 0)
            {
                context.Console.WriteLine($"No slot between {Output.Show(response.WindowStart)} and {Output.Show(response.WindowEnd)}: " +
                    $"{EnumWords.Show(response.NoSlotReason)}. {response.Explanation}".TrimEnd());
                if (response.BlockingAgencies.Count > 0)
                {
                    context.Console.WriteLine("Blocking: " + string.Join(", ", response.BlockingAgencies));
                }
                return ExitCodes.Ok;
            }
            var table = Output.Table("Start", "End", "Invited and free", "Invited but busy");
            foreach (var slot in response.Proposals)
            {
                table.AddText(Output.Show(slot.StartTime), Output.Show(slot.EndTime), string.Join(", ", slot.InvitedAvailable), string.Join(", ", slot.InvitedUnavailable));
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Ics(CommandRunner run)
    {
        var id = new Argument<string>("conference-id") { Description = "A scheduled conference." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the .ics file here (default: standard output)." };
        var location = new Option<string?>("--location") { Description = "Location text for calendars." };
        var organizer = new Option<string?>("--organizer") { Description = "Organizer as NAME=EMAIL." };
        var attendees = new Option<string[]>("--attendee") { Description = "An attendee as NAME=EMAIL (repeatable); add ! after the email for required." };
        var length = new Option<int?>("--length-minutes") { Description = "Event length (default: the conference's own duration)." };
        var command = new Command("ics", "Export a scheduled conference as an iCalendar (.ics) invitation.") { id, output, location, organizer, attendees, length };
        run.SetAction(command, async context =>
        {
            using var channel = context.OpenChannel();
            var request = new ExportConferenceCalendarRequest { ConferenceId = context.Value(id)!, Location = context.Value(location) ?? "" };
            if (context.Value(length) is { } minutes)
            {
                request.MeetingLength = Duration.FromTimeSpan(TimeSpan.FromMinutes(minutes));
            }
            else
            {
                // The calendar service does not know the length the conference was scheduled for; CaseConference does.
                var conference = await channel.UnaryAsync<GetConferenceRequest, GetConferenceResponse>(
                    MappaServices.Conferences.FindMethodByName("GetConference"), new GetConferenceRequest { ConferenceId = request.ConferenceId });
                request.MeetingLength = conference.Conference.Duration;
            }
            if (context.Value(organizer) is { } organizerText)
            {
                request.Organizer = Mailbox(organizerText, "--organizer");
            }
            foreach (var attendee in context.Value(attendees) ?? [])
            {
                request.Attendees.Add(Mailbox(attendee, "--attendee"));
            }
            var response = await channel.UnaryAsync<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>(ExportMethod, request);
            if (context.Json)
            {
                Output.WriteJson(context, response);
            }
            else if (context.Value(output) is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, response.Calendar);
                context.Console.WriteLine($"Wrote {path} ({response.ContentType}).");
            }
            else
            {
                // Raw, not through the table console: calendar lines must reach the file untouched.
                context.Environment.Out.Write(response.Calendar);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static InvitationMailbox Mailbox(string text, string option)
    {
        var parts = text.Split('=', 2);
        if (parts.Length != 2 || parts[1].TrimEnd('!').Length == 0)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' is not NAME=EMAIL.");
        }
        return new InvitationMailbox { AgencyName = parts[0], Email = parts[1].TrimEnd('!'), Required = parts[1].EndsWith('!') };
    }
}

/// <summary>ISO 8601 times as the commands take them: UTC unless an offset is given.</summary>
public static class Times
{
    public static Timestamp? Parse(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Timestamp.FromDateTimeOffset(time)
            : throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' is not an ISO 8601 time (e.g. 2026-12-01T10:00Z).");
    }
}
