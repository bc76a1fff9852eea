using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Spectre.Console;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Mappa.Cli.Conferences;

/// <summary>`mappa conferences ...`: a case conference from proposal to minutes, and attendance statistics.</summary>
public static class ConferencesCommand
{
    private static MethodDescriptor Method(string name) => MappaServices.Conferences.FindMethodByName(name);

    public static Command Create(CommandRunner run)
    {
        var command = new Command("conferences", "Case conferences: create, schedule, invite, attendance, decisions, minutes, statistics.");
        command.Subcommands.Add(CreateConference(run));
        command.Subcommands.Add(GetOne(run));
        command.Subcommands.Add(ListAll(run));
        command.Subcommands.Add(Schedule(run));
        command.Subcommands.Add(Invite(run));
        command.Subcommands.Add(Respond(run));
        command.Subcommands.Add(Held(run));
        command.Subcommands.Add(Attendance(run));
        command.Subcommands.Add(Decide(run));
        command.Subcommands.Add(AddAction(run));
        command.Subcommands.Add(ActionStatus(run));
        command.Subcommands.Add(CompleteAction(run));
        command.Subcommands.Add(CancelAction(run));
        command.Subcommands.Add(MinuteConference(run));
        command.Subcommands.Add(Cancel(run));
        command.Subcommands.Add(Statistics(run));
        command.Subcommands.Add(ConferenceSchedulingCommands.Slots(run));
        command.Subcommands.Add(ConferenceSchedulingCommands.Ics(run));
        return command;
    }

    private static Argument<string> ConferenceId() => new("conference-id") { Description = "The conference's id." };

    private static Command CreateConference(CommandRunner run)
    {
        var kind = new Option<string>("--kind") { Description = "INITIAL_LEVEL_2, INITIAL_LEVEL_3, REVIEW, PRE_RELEASE or EMERGENCY.", Required = true };
        var subjects = new Option<string[]>("--subject") { Description = "A subject to discuss (repeatable).", Required = true };
        var area = new Option<string>("--area") { Description = "The area holding the conference.", Required = true };
        var targetDate = new Option<string?>("--target-date") { Description = "The day it should be held by (yyyy-MM-dd)." };
        var start = new Option<string?>("--start") { Description = "Proposed start time, ISO 8601 (UTC unless an offset is given); `schedule` fixes it." };
        var minutes = new Option<int?>("--duration-minutes") { Description = "Length in minutes." };
        var place = new Option<string?>("--place") { Description = "Venue." };
        var link = new Option<string?>("--link") { Description = "Virtual meeting link." };
        var chair = new Option<string?>("--chair") { Description = "The chair's user id." };
        var children = new Option<bool>("--involves-children") { Description = "Children are involved (child protection is invited by default)." };
        var command = new Command("create", "Propose a conference (optionally with a proposed time, place and chair).")
        {
            kind, subjects, area, targetDate, start, minutes, place, link, chair, children,
        };
        run.SetAction(command, async context =>
        {
            var request = new CreateConferenceRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Kind = EnumWords.Parse<ConferenceKind>(context.Value(kind)!, "--kind"),
                SubjectIds = { context.Value(subjects)! },
                Area = context.Value(area)!,
                TargetDate = ParseDate(context.Value(targetDate), "--target-date"),
                StartTime = ParseTime(context.Value(start), "--start"),
                Duration = ToDuration(context.Value(minutes)),
                Venue = ToVenue(context.Value(place), context.Value(link)),
                ChairId = context.Value(chair) ?? "",
                InvolvesChildren = context.Value(children),
            };
            var conference = await CallAsync<CreateConferenceRequest, CreateConferenceResponse>(context, "CreateConference", request, r => r.Conference);
            return Show(context, conference, $"Created conference {conference.ConferenceId}.");
        });
        return command;
    }

    private static Command GetOne(CommandRunner run)
    {
        var id = ConferenceId();
        var command = new Command("get", "Show a conference: schedule, invitations, attendance and quorum, decisions, actions.") { id };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<GetConferenceRequest, GetConferenceResponse>(context, "GetConference",
                new GetConferenceRequest { ConferenceId = context.Value(id)! }, r => r.Conference);
            return Show(context, conference, null);
        });
        return command;
    }

    private static Command ListAll(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area." };
        var subject = new Option<string?>("--subject") { Description = "Only conferences about this subject." };
        var status = new Option<string?>("--status") { Description = "PROPOSED, SCHEDULED, HELD, MINUTED or CANCELLED." };
        var command = new Command("list", "Conferences in your scope (every page).") { area, subject, status };
        run.SetAction(command, async (context, cancellationToken) =>
        {
            using var channel = context.OpenChannel();
            var request = new ListConferencesRequest
            {
                Area = context.Value(area) ?? "",
                SubjectId = context.Value(subject) ?? "",
                Status = context.Value(status) is { } s ? EnumWords.Parse<ConferenceStatus>(s, "--status") : ConferenceStatus.Unspecified,
            };
            var combined = new ListConferencesResponse();
            do
            {
                var page = await channel.UnaryAsync<ListConferencesRequest, ListConferencesResponse>(
                    Method("ListConferences"), request, new Grpc.Client.CallOptions { CancellationToken = cancellationToken });
                combined.Conferences.Add(page.Conferences);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            if (context.Json)
            {
                Output.WriteJson(context, combined);
                return ExitCodes.Ok;
            }
            var table = Output.Table("Conference", "Kind", "Status", "Area", "Start", "Target", "Subjects");
            foreach (var c in combined.Conferences)
            {
                table.AddText(c.ConferenceId, EnumWords.Show(c.Kind), EnumWords.Show(c.Status), c.Area, Output.Show(c.StartTime),
                    Output.Show(c.TargetDate), string.Join(", ", c.Subjects.Select(s => s.SubjectId)));
            }
            context.Console.Write(table);
            context.Console.WriteLine($"{combined.Conferences.Count} conference(s).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Schedule(CommandRunner run)
    {
        var id = ConferenceId();
        var start = new Option<string>("--start") { Description = "Start time, ISO 8601 (UTC unless an offset is given).", Required = true };
        var minutes = new Option<int?>("--duration-minutes") { Description = "Length in minutes." };
        var place = new Option<string?>("--place") { Description = "Venue." };
        var link = new Option<string?>("--link") { Description = "Virtual meeting link." };
        var chair = new Option<string?>("--chair") { Description = "The chair's user id." };
        var reason = new Option<string?>("--reason") { Description = "Why it moves (makes this a reschedule of a scheduled conference)." };
        var command = new Command("schedule", "Fix a proposed conference's time and place, or move a scheduled one (with --reason).")
        {
            id, start, minutes, place, link, chair, reason,
        };
        run.SetAction(command, async context =>
        {
            var conferenceId = context.Value(id)!;
            Conference conference;
            if (context.Value(reason) is { Length: > 0 } why)
            {
                conference = await CallAsync<RescheduleConferenceRequest, RescheduleConferenceResponse>(context, "RescheduleConference", new RescheduleConferenceRequest
                {
                    ConferenceId = conferenceId,
                    StartTime = ParseTime(context.Value(start), "--start"),
                    Duration = ToDuration(context.Value(minutes)),
                    Venue = ToVenue(context.Value(place), context.Value(link)),
                    ChairId = context.Value(chair) ?? "",
                    Reason = why,
                }, r => r.Conference);
            }
            else
            {
                conference = await CallAsync<ScheduleConferenceRequest, ScheduleConferenceResponse>(context, "ScheduleConference", new ScheduleConferenceRequest
                {
                    ConferenceId = conferenceId,
                    StartTime = ParseTime(context.Value(start), "--start"),
                    Duration = ToDuration(context.Value(minutes)),
                    Venue = ToVenue(context.Value(place), context.Value(link)),
                    ChairId = context.Value(chair) ?? "",
                }, r => r.Conference);
            }
            return Show(context, conference, $"Conference {conference.ConferenceId} scheduled for {Output.Show(conference.StartTime)}.");
        });
        return command;
    }

    private static Command Invite(CommandRunner run)
    {
        var id = ConferenceId();
        var agencyKind = new Option<string>("--agency-kind") { Description = "The agency kind, e.g. HOUSING.", Required = true };
        var organisation = new Option<string?>("--organisation") { Description = "The organisation's name." };
        var representative = new Option<string?>("--representative") { Description = "The person expected to attend." };
        var command = new Command("invite", "Invite an agency to a conference.") { id, agencyKind, organisation, representative };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<InviteAgencyRequest, InviteAgencyResponse>(context, "InviteAgency", new InviteAgencyRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ConferenceId = context.Value(id)!,
                Invitee = new Invitee
                {
                    Agency = ToAgency(context.Value(agencyKind)!, context.Value(organisation)),
                    RepresentativeName = context.Value(representative) ?? "",
                },
            }, r => r.Conference);
            return Show(context, conference, "Invitation sent.");
        });
        return command;
    }

    private static Command Respond(CommandRunner run)
    {
        var id = ConferenceId();
        var invitation = new Option<string>("--invitation") { Description = "The invitation's id (see `conferences get`).", Required = true };
        var response = new Option<string>("--response") { Description = "ACCEPTED, DECLINED_WITH_APOLOGIES or DELEGATE_NAMED.", Required = true };
        var delegateName = new Option<string?>("--delegate") { Description = "The delegate's name (with DELEGATE_NAMED)." };
        var command = new Command("respond", "Record an agency's answer to its invitation.") { id, invitation, response, delegateName };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<RecordInvitationResponseRequest, RecordInvitationResponseResponse>(context, "RecordInvitationResponse",
                new RecordInvitationResponseRequest
                {
                    ConferenceId = context.Value(id)!,
                    InvitationId = context.Value(invitation)!,
                    Response = EnumWords.Parse<InvitationResponseKind>(context.Value(response)!, "--response"),
                    DelegateName = context.Value(delegateName) ?? "",
                }, r => r.Conference);
            return Show(context, conference, "Response recorded.");
        });
        return command;
    }

    private static Command Held(CommandRunner run)
    {
        var id = ConferenceId();
        var command = new Command("held", "Record that a scheduled conference took place.") { id };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<RecordConferenceHeldRequest, RecordConferenceHeldResponse>(context, "RecordConferenceHeld",
                new RecordConferenceHeldRequest { ConferenceId = context.Value(id)! }, r => r.Conference);
            return Show(context, conference, $"Conference {conference.ConferenceId} recorded as held.");
        });
        return command;
    }

    private static Command Attendance(CommandRunner run)
    {
        var id = ConferenceId();
        var agencyKind = new Option<string>("--agency-kind") { Description = "The agency kind, e.g. POLICE.", Required = true };
        var organisation = new Option<string?>("--organisation") { Description = "The organisation's name." };
        var status = new Option<string>("--status") { Description = "ATTENDED, APOLOGIES, DELEGATE_ATTENDED or ABSENT_WITHOUT_APOLOGY.", Required = true };
        var attendee = new Option<string?>("--attendee") { Description = "Who attended." };
        var report = new Option<bool>("--written-report") { Description = "The agency submitted a written report." };
        var command = new Command("attendance", "Record one agency's attendance at a held conference; shows the quorum.") { id, agencyKind, organisation, status, attendee, report };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<RecordAttendanceRequest, RecordAttendanceResponse>(context, "RecordAttendance", new RecordAttendanceRequest
            {
                ConferenceId = context.Value(id)!,
                Agency = ToAgency(context.Value(agencyKind)!, context.Value(organisation)),
                Status = EnumWords.Parse<AttendanceStatus>(context.Value(status)!, "--status"),
                AttendeeName = context.Value(attendee) ?? "",
                WrittenReportSubmitted = context.Value(report),
            }, r => r.Conference);
            return Show(context, conference, "Attendance recorded.");
        });
        return command;
    }

    private static Command Decide(CommandRunner run)
    {
        var id = ConferenceId();
        var subject = new Option<string>("--subject") { Description = "The subject the decision is about.", Required = true };
        var level = new Option<string>("--level") { Description = "MAPPA level: 1, 2 or 3.", Required = true };
        var category = new Option<string>("--category") { Description = "MAPPA category: 1, 2 or 3.", Required = true };
        var nextReview = new Option<string?>("--next-review") { Description = "A review date other than the policy's (yyyy-MM-dd); needs --reason." };
        var reason = new Option<string?>("--reason") { Description = "Why the review date differs from the policy." };
        var command = new Command("decide", "Record the conference's level and category decision for a subject.") { id, subject, level, category, nextReview, reason };
        run.SetAction(command, async context =>
        {
            var request = new RecordDecisionRequest
            {
                ConferenceId = context.Value(id)!,
                SubjectId = context.Value(subject)!,
                Level = EnumWords.Parse<MappaLevel>(context.Value(level)!, "--level"),
                Category = EnumWords.Parse<MappaCategory>(context.Value(category)!, "--category"),
            };
            if (context.Value(nextReview) is { } date)
            {
                request.NextReviewOverride = new NextReviewOverride { Date = ParseDate(date, "--next-review"), Reason = context.Value(reason) ?? "" };
            }
            var conference = await CallAsync<RecordDecisionRequest, RecordDecisionResponse>(context, "RecordDecision", request, r => r.Conference);
            return Show(context, conference, "Decision recorded.");
        });
        return command;
    }

    private static Command AddAction(CommandRunner run)
    {
        var id = ConferenceId();
        var subject = new Option<string>("--subject") { Description = "The subject the action is for.", Required = true };
        var description = new Option<string>("--description") { Description = "What is to be done.", Required = true };
        var owner = new Option<string>("--owner-agency") { Description = "The agency kind responsible, e.g. HOUSING.", Required = true };
        var ownerName = new Option<string?>("--owner-name") { Description = "The person responsible." };
        var due = new Option<string?>("--due") { Description = "Due date (yyyy-MM-dd)." };
        var command = new Command("add-action", "Add a risk-management plan action agreed at a held conference.") { id, subject, description, owner, ownerName, due };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<AddPlanActionRequest, AddPlanActionResponse>(context, "AddPlanAction", new AddPlanActionRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ConferenceId = context.Value(id)!,
                SubjectId = context.Value(subject)!,
                Description = context.Value(description)!,
                OwnerAgency = EnumWords.Parse<AgencyKind>(context.Value(owner)!, "--owner-agency"),
                OwnerName = context.Value(ownerName) ?? "",
                DueDate = ParseDate(context.Value(due), "--due"),
            }, r => r.Conference);
            return Show(context, conference, "Plan action added.");
        });
        return command;
    }

    private static Command ActionStatus(CommandRunner run)
    {
        var id = ConferenceId();
        var action = new Option<string>("--action") { Description = "The plan action's id.", Required = true };
        var status = new Option<string>("--status") { Description = "DONE or CANCELLED.", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why it is cancelled." };
        var command = new Command("action-status", "Close a plan action as done or cancelled.") { id, action, status, reason };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<UpdatePlanActionStatusRequest, UpdatePlanActionStatusResponse>(context, "UpdatePlanActionStatus", new UpdatePlanActionStatusRequest
            {
                ConferenceId = context.Value(id)!,
                ActionId = context.Value(action)!,
                Status = EnumWords.Parse<PlanActionStatus>(context.Value(status)!, "--status"),
                Reason = context.Value(reason) ?? "",
            }, r => r.Conference);
            return Show(context, conference, "Plan action updated.");
        });
        return command;
    }

    private static Command CompleteAction(CommandRunner run)
    {
        var id = ConferenceId();
        var action = new Option<string>("--action") { Description = "The plan action's id, e.g. act-1.", Required = true };
        var command = new Command("complete-action", "Mark an open plan action done (its reminders stop).") { id, action };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<CompletePlanActionRequest, CompletePlanActionResponse>(context, "CompletePlanAction", new CompletePlanActionRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ConferenceId = context.Value(id)!,
                ActionId = context.Value(action)!,
            }, r => r.Conference);
            return Show(context, conference, $"Plan action {context.Value(action)} done.");
        });
        return command;
    }

    private static Command CancelAction(CommandRunner run)
    {
        var id = ConferenceId();
        var action = new Option<string>("--action") { Description = "The plan action's id, e.g. act-1.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why it is no longer required.", Required = true };
        var command = new Command("cancel-action", "Cancel an open plan action that is no longer required.") { id, action, reason };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<CancelPlanActionRequest, CancelPlanActionResponse>(context, "CancelPlanAction", new CancelPlanActionRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ConferenceId = context.Value(id)!,
                ActionId = context.Value(action)!,
                Reason = context.Value(reason)!,
            }, r => r.Conference);
            return Show(context, conference, $"Plan action {context.Value(action)} cancelled.");
        });
        return command;
    }

    private static Command MinuteConference(CommandRunner run)
    {
        var id = ConferenceId();
        var summary = new Option<string>("--summary") { Description = "The minutes' summary.", Required = true };
        var command = new Command("minute", "Record the minutes of a held conference (closes it).") { id, summary };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<MinuteConferenceRequest, MinuteConferenceResponse>(context, "MinuteConference",
                new MinuteConferenceRequest { ConferenceId = context.Value(id)!, Summary = context.Value(summary)! }, r => r.Conference);
            return Show(context, conference, $"Conference {conference.ConferenceId} minuted.");
        });
        return command;
    }

    private static Command Cancel(CommandRunner run)
    {
        var id = ConferenceId();
        var reason = new Option<string>("--reason") { Description = "Why it is cancelled.", Required = true };
        var command = new Command("cancel", "Cancel a proposed or scheduled conference.") { id, reason };
        run.SetAction(command, async context =>
        {
            var conference = await CallAsync<CancelConferenceRequest, CancelConferenceResponse>(context, "CancelConference",
                new CancelConferenceRequest { ConferenceId = context.Value(id)!, Reason = context.Value(reason)! }, r => r.Conference);
            return Show(context, conference, $"Conference {conference.ConferenceId} cancelled.");
        });
        return command;
    }

    private static Command Statistics(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area." };
        var from = new Option<string?>("--from") { Description = "Period start (ISO 8601 date or time, UTC; default a year before --to)." };
        var to = new Option<string?>("--to") { Description = "Period end (ISO 8601 date or time, UTC; default now)." };
        var command = new Command("stats", "Attendance statistics of held conferences, per agency.") { area, from, to };
        run.SetAction(command, async context =>
        {
            var periodEnd = ParseTime(context.Value(to), "--to") ?? Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<GetAttendanceStatisticsRequest, GetAttendanceStatisticsResponse>(Method("GetAttendanceStatistics"),
                new GetAttendanceStatisticsRequest
                {
                    Area = context.Value(area) ?? "",
                    PeriodStart = ParseTime(context.Value(from), "--from") ?? Timestamp.FromDateTimeOffset(periodEnd.ToDateTimeOffset().AddYears(-1)),
                    PeriodEnd = periodEnd,
                });
            if (context.Json)
            {
                Output.WriteJson(context, response);
                return ExitCodes.Ok;
            }
            var overall = response.Overall ?? new AttendanceSummary();
            context.Console.WriteLine($"{overall.ConferencesHeld} conference(s) held; other agencies attended {overall.ConferencesAttendedByOtherAgencies}" +
                (overall.HasOtherAgencyAttendanceShare ? $" ({overall.OtherAgencyAttendanceShare.ToString("P0", CultureInfo.InvariantCulture)})." : "."));
            var table = Output.Table("Agency", "Invited", "Attended", "By delegate", "Apologies", "Absent", "Written report", "Rate");
            foreach (var agency in overall.Agencies)
            {
                table.AddText(EnumWords.Show(agency.Agency), Number(agency.ConferencesInvited), Number(agency.ConferencesAttended),
                    Number(agency.ConferencesAttendedByDelegate), Number(agency.ConferencesWithApologies), Number(agency.ConferencesAbsentWithoutApology),
                    Number(agency.ConferencesWithWrittenReport), agency.HasAttendanceRate ? agency.AttendanceRate.ToString("P0", CultureInfo.InvariantCulture) : "n/a");
            }
            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<Conference> CallAsync<TRequest, TResponse>(CommandContext context, string method, TRequest request, Func<TResponse, Conference> conference)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        using var channel = context.OpenChannel();
        var response = await channel.UnaryAsync<TRequest, TResponse>(Method(method), request);
        if (context.Json)
        {
            Output.WriteJson(context, response);
        }
        return conference(response);
    }

    private static int Show(CommandContext context, Conference conference, string? headline)
    {
        if (context.Json)
        {
            return ExitCodes.Ok;
        }
        if (headline is not null)
        {
            context.Console.WriteLine(headline);
        }
        var details = Output.Table("Field", "Value");
        details.AddText("Conference", conference.ConferenceId);
        details.AddText("Kind", EnumWords.Show(conference.Kind));
        details.AddText("Status", EnumWords.Show(conference.Status));
        details.AddText("Area", conference.Area);
        details.AddText("Subjects", string.Join(", ", conference.Subjects.Select(s => s.SubjectId)));
        details.AddText("Target date", Output.Show(conference.TargetDate));
        details.AddText("Start", Output.Show(conference.StartTime));
        details.AddText("Duration", conference.Duration is null ? "" : $"{conference.Duration.ToTimeSpan().TotalMinutes:0} min");
        details.AddText("Venue", conference.Venue is null ? "" : string.Join(" ", new[] { conference.Venue.Place, conference.Venue.VirtualLink }.Where(v => v.Length > 0)));
        details.AddText("Chair", conference.ChairId);
        if (conference.Quorum is not null && conference.Status is ConferenceStatus.Held or ConferenceStatus.Minuted)
        {
            details.AddText("Quorate", conference.Quorum.Quorate ? "yes" : "no (" + string.Join(", ", conference.Quorum.RequiredAgencies
                .Where(a => a.Presence != AgencyPresence.Present).Select(a => $"{EnumWords.Show(a.Agency)} {EnumWords.Show(a.Presence)}")) + ")");
        }
        context.Console.Write(details);
        if (conference.Invitations.Count > 0)
        {
            var invitations = Output.Table("Invitation", "Agency", "Organisation", "Representative", "Response");
            foreach (var invitation in conference.Invitations)
            {
                invitations.AddText(invitation.InvitationId, EnumWords.Show(invitation.Agency?.Kind ?? AgencyKind.Unspecified), invitation.Agency?.Organisation,
                    invitation.RepresentativeName, EnumWords.Show(invitation.Response));
            }
            context.Console.Write(invitations);
        }
        if (conference.Attendance.Count > 0)
        {
            var attendance = Output.Table("Agency", "Organisation", "Attendance", "Written report");
            foreach (var record in conference.Attendance)
            {
                attendance.AddText(EnumWords.Show(record.Agency?.Kind ?? AgencyKind.Unspecified), record.Agency?.Organisation, EnumWords.Show(record.Status),
                    record.WrittenReportSubmitted ? "yes" : "no");
            }
            context.Console.Write(attendance);
        }
        if (conference.Decisions.Count > 0)
        {
            var decisions = Output.Table("Subject", "Level", "Outcome", "Category", "Next review");
            foreach (var decision in conference.Decisions)
            {
                decisions.AddText(decision.SubjectId, EnumWords.Show(decision.Level), EnumWords.Show(decision.LevelOutcome), EnumWords.Show(decision.Category),
                    Output.Show(decision.NextReviewDate) + (decision.ReviewDateOverridden ? " (overridden)" : ""));
            }
            context.Console.Write(decisions);
        }
        if (conference.PlanActions.Count > 0)
        {
            var actions = Output.Table("Action", "Subject", "Description", "Owner", "Due", "Status");
            foreach (var planAction in conference.PlanActions)
            {
                actions.AddText(planAction.ActionId, planAction.SubjectId, planAction.Description,
                    $"{EnumWords.Show(planAction.OwnerAgency)} {planAction.OwnerName}".Trim(), Output.Show(planAction.DueDate), EnumWords.Show(planAction.Status));
            }
            context.Console.Write(actions);
        }
        return ExitCodes.Ok;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Agency ToAgency(string kind, string? organisation) =>
        new() { Kind = EnumWords.Parse<AgencyKind>(kind, "--agency-kind"), Organisation = organisation ?? "" };

    private static Venue? ToVenue(string? place, string? link) =>
        place is null && link is null ? null : new Venue { Place = place ?? "", VirtualLink = link ?? "" };

    private static Duration? ToDuration(int? minutes) => minutes is { } m ? Duration.FromTimeSpan(TimeSpan.FromMinutes(m)) : null;

    private static Google.Type.Date? ParseDate(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? Output.ToDate(date)
            : throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{text}' is not a date (yyyy-MM-dd).");
    }

    private static Timestamp? ParseTime(string? text, string option) => Times.Parse(text, option);
}
