using System.CommandLine;
using System.Globalization;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Spectre.Console;

namespace Mappa.Cli.Compliance;

/// <summary>`mappa compliance report`: the monthly figures managers need before an inspector asks for them.</summary>
public static class ComplianceCommand
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ReportMethod = MappaServices.Compliance.FindMethodByName("GetComplianceReport");

    public static Command Create(CommandRunner run)
    {
        var command = new Command("compliance", "Compliance figures for an area and period.");
        command.Subcommands.Add(Report(run));
        return command;
    }

    private static Command Report(CommandRunner run)
    {
        var area = new Option<string>("--area") { Description = "The area to report on (within your scope).", Required = true };
        var from = new Option<string?>("--from") { Description = "Period start, yyyy-MM-dd (default: the first day of the previous month)." };
        var to = new Option<string?>("--to") { Description = "Period end, yyyy-MM-dd, inclusive (default: the last day of the previous month)." };
        var command = new Command("report", "Overdue reviews by age and reviews due in the period completed on time, per kind.") { area, from, to };
        run.SetAction(command, async context =>
        {
            var firstOfThisMonth = new DateOnly(Output.Today.Year, Output.Today.Month, 1);
            var start = ParseDate(context.Value(from), "--from") ?? firstOfThisMonth.AddMonths(-1);
            var end = ParseDate(context.Value(to), "--to") ?? firstOfThisMonth.AddDays(-1);
            if (end < start)
            {
                throw new CliException(ExitCodes.Usage, "--to: the period ends before it starts.");
            }
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<GetComplianceReportRequest, GetComplianceReportResponse>(ReportMethod, new GetComplianceReportRequest
            {
                Area = context.Value(area)!,
                PeriodStart = Output.ToDate(start),
                PeriodEnd = Output.ToDate(end),
            });
            if (context.Json)
            {
                Output.WriteJson(context, response);
                return ExitCodes.Ok;
            }
            var report = response.Report ?? new ComplianceReport();
            context.Console.WriteLine($"Area {report.Area}, {Output.Show(report.PeriodStart)} to {Output.Show(report.PeriodEnd)}.");

            var overdue = Output.Table("Days overdue", "Reviews");
            foreach (var band in report.OverdueByAge)
            {
                var range = band.MaxDaysOverdue > 0 ? $"{band.MinDaysOverdue}–{band.MaxDaysOverdue}" : $"{band.MinDaysOverdue}+";
                overdue.AddText(range, band.Count.ToString(CultureInfo.InvariantCulture));
            }
            context.Console.Write(overdue);

            var due = Output.Table("Kind", "Due", "On time", "Late", "Still open", "Cancelled", "On time %");
            foreach (var kind in report.DueInPeriod)
            {
                var decided = kind.Due - kind.Cancelled;
                var share = decided > 0 ? ((double)kind.CompletedByDueDate / decided).ToString("P0", CultureInfo.InvariantCulture) : "n/a";
                due.AddText(EnumWords.Show(kind.Kind), Count(kind.Due), Count(kind.CompletedByDueDate), Count(kind.CompletedLate),
                    Count(kind.StillOpen), Count(kind.Cancelled), share);
            }
            context.Console.Write(due);

            var coverage = Output.Table("Instrument", "Subjects", "Current", "Overdue", "Not assessed", "Current %");
            foreach (var instrument in report.CurrentAssessments)
            {
                coverage.AddText(instrument.Instrument, Count(instrument.Subjects), Count(instrument.Current), Count(instrument.Overdue),
                    Count(instrument.NotAssessed), Share(instrument.ShareCurrent, instrument.Subjects));
            }
            context.Console.Write(coverage);

            var lsCmi = report.LscmiCompletion ?? new CompletionDeadlineFigures();
            context.Console.WriteLine($"LS/CMI within 20 working days of supervision start: {lsCmi.Due} due, {lsCmi.Met} met, {lsCmi.Missed} missed, " +
                $"{lsCmi.StillOpen} still open ({Share(lsCmi.ShareMet, lsCmi.Met + lsCmi.Missed)} met).");
            var sa07 = report.Sa07WithoutRm2000 ?? new Sa07WithoutRm2000();
            context.Console.WriteLine($"SA07 without RM2000: {sa07.WithoutRm2000} of {sa07.WithSa07} subjects with SA07 " +
                $"({Share(sa07.ShareWithoutRm2000, sa07.WithSa07)}).");

            context.Console.WriteLine($"Conferences held: {report.ConferencesHeld}.");
            var attendance = Output.Table("Agency", "Invited", "Attended", "Apologies", "Absent", "Attended %");
            foreach (var agency in report.AttendanceByAgency)
            {
                attendance.AddText(EnumWords.Show(agency.Agency), Count(agency.Invited), Count(agency.Attended), Count(agency.Apologies),
                    Count(agency.AbsentWithoutApology), Share(agency.ShareAttended, agency.Invited));
            }
            context.Console.Write(attendance);
            foreach (var missing in report.NotAvailable)
            {
                context.Console.WriteLine($"Not available yet: {missing}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    // A share over nothing is not 0%: say so.
    private static string Share(double share, int over) => over > 0 ? share.ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    private static DateOnly? ParseDate(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new CliException(ExitCodes.Usage, $"{option}: expected a date written yyyy-MM-dd, got '{text}'.");
}
