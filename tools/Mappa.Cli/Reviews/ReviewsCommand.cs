using System.CommandLine;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Grpc.Client;
using Spectre.Console;

namespace Mappa.Cli.Reviews;

/// <summary>`mappa reviews due|overdue|watch`: the review calendar for coordinators.</summary>
public static class ReviewsCommand
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListMethod = MappaServices.ReviewCalendar.FindMethodByName("ListReviewObligations");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor WatchMethod = MappaServices.ReviewCalendar.FindMethodByName("WatchReviewMilestones");

    public static Command Create(CommandRunner run)
    {
        var command = new Command("reviews", "Review obligations: what is due soon, overdue, and review events as they happen.");
        command.Subcommands.Add(Due(run));
        command.Subcommands.Add(Overdue(run));
        command.Subcommands.Add(Watch(run));
        return command;
    }

    private static Command Due(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area (within your scope)." };
        var within = new Option<int>("--within") { Description = "Days ahead to include (default 28); overdue obligations are always included.", DefaultValueFactory = _ => 28 };
        var subject = new Option<string?>("--subject") { Description = "Only this subject." };
        var command = new Command("due", "Obligations due within the coming days, and those already overdue.") { area, within, subject };
        run.SetAction(command, (context, cancellationToken) =>
        {
            if (context.Value(within) < 0)
            {
                throw new CliException(ExitCodes.Usage, "--within: days ahead cannot be negative.");
            }
            return ListAsync(context, new ListReviewObligationsRequest
            {
                Area = context.Value(area) ?? "",
                SubjectId = context.Value(subject) ?? "",
                DueTo = Output.ToDate(Output.Today.AddDays(context.Value(within))),
            }, cancellationToken);
        });
        return command;
    }

    private static Command Overdue(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area (within your scope)." };
        var command = new Command("overdue", "Obligations past their due date and still open.") { area };
        run.SetAction(command, (context, cancellationToken) =>
            ListAsync(context, new ListReviewObligationsRequest { Area = context.Value(area) ?? "", OverdueOnly = true }, cancellationToken));
        return command;
    }

    private static async Task<int> ListAsync(CommandContext context, ListReviewObligationsRequest request, CancellationToken cancellationToken)
    {
        using var channel = context.OpenChannel();
        var combined = new ListReviewObligationsResponse();
        do
        {
            var page = await channel.UnaryAsync<ListReviewObligationsRequest, ListReviewObligationsResponse>(
                ListMethod, request, new CallOptions { CancellationToken = cancellationToken });
            combined.Obligations.Add(page.Obligations);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        if (context.Json)
        {
            Output.WriteJson(context, combined);
            return ExitCodes.Ok;
        }
        var today = Output.Today;
        var table = Output.Table("Due", "When", "Kind", "Subject", "Area", "State", "Obligation");
        foreach (var obligation in combined.Obligations.OrderBy(o => Output.Show(o.DueDate), StringComparer.Ordinal))
        {
            table.AddText(
                Output.Show(obligation.DueDate),
                Relative(obligation.DueDate, today),
                EnumWords.Show(obligation.Kind),
                obligation.Subject?.SubjectId,
                obligation.Area,
                EnumWords.Show(obligation.State),
                obligation.ObligationId);
        }
        context.Console.Write(table);
        context.Console.WriteLine($"{combined.Obligations.Count} obligation(s).");
        return ExitCodes.Ok;
    }

    private static Command Watch(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area (within your scope)." };
        var resumeAfter = new Option<string?>("--resume-after") { Description = "A cursor printed earlier: continue after that event." };
        var command = new Command("watch", "Follow review milestones (due soon, due, overdue, completed) live until Ctrl-C.") { area, resumeAfter };
        run.SetAction(command, async (context, cancellationToken) =>
        {
            using var channel = context.OpenChannel();
            var request = new WatchReviewMilestonesRequest { Area = context.Value(area) ?? "", ResumeAfter = context.Value(resumeAfter) ?? "" };
            // No deadline: a watch lasts until the user stops it.
            var options = new CallOptions { DeadlineUtc = DateTime.MaxValue, CancellationToken = cancellationToken };
            if (!context.Json)
            {
                context.Error.WriteLine("Watching review milestones; Ctrl-C to stop.");
            }
            try
            {
                await foreach (var milestone in channel.ServerStreamingAsync<WatchReviewMilestonesRequest, WatchReviewMilestonesResponse>(WatchMethod, request, options)
                    .WithCancellation(cancellationToken))
                {
                    if (context.Json)
                    {
                        Output.WriteJson(context, milestone);
                    }
                    else
                    {
                        var obligation = milestone.Obligation;
                        var overdue = milestone.DaysOverdue > 0 ? $" ({milestone.DaysOverdue} day(s) overdue)" : "";
                        context.Console.WriteLine(
                            $"{Output.Show(milestone.OccurTime)}  {EnumWords.Show(milestone.Kind),-9} {EnumWords.Show(obligation?.Kind ?? ReviewKind.Unspecified)} " +
                            $"subject {obligation?.Subject?.SubjectId} area {obligation?.Area} due {Output.Show(obligation?.DueDate)}{overdue}  cursor {milestone.Cursor}");
                    }
                    context.Environment.Out.Flush();
                }
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or Grpc.RpcException)
            {
                // Ctrl-C is how a watch ends: a clean stop, not an error.
                if (!context.Json)
                {
                    context.Error.WriteLine("Stopped.");
                }
                return ExitCodes.Ok;
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Relative(Google.Type.Date? due, DateOnly today)
    {
        if (due is null || due.Year == 0)
        {
            return "";
        }
        var days = new DateOnly(due.Year, due.Month, due.Day).DayNumber - today.DayNumber;
        return days switch
        {
            < 0 => $"{-days} day(s) overdue",
            0 => "today",
            _ => $"in {days} day(s)",
        };
    }
}
