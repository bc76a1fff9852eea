using Mappa.Benchmarks;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Mappa.SchedulingBench;

// Scheduling benchmark (issue 5): the milestone sweep of one day on PostgreSQL at two sizes, with the same items due,
// and the conference slot search for 20 agencies over 90 days.
//
// Usage: Mappa.SchedulingBench [--sizes 100000,1000000] [--due 5000] [--rounds 3] [--searches 200] [--only sweep|slots]
//                              [--keep] [--doc FILE]
// Needs MAPPA_TEST_POSTGRES (an admin connection string; bench/scheduling.sh starts a server when it is unset).
// --doc replaces the "scheduling" section of that markdown file (docs/performance.md).

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
var log = Console.Out;
var loadBefore = LoadAverage();

var sizes = new List<SweepSize>();
if (options.Only is null or "sweep")
{
    var admin = Environment.GetEnvironmentVariable("MAPPA_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("MAPPA_TEST_POSTGRES is not set: run bench/scheduling.sh, which starts PostgreSQL.");
    log.WriteLine($"sweep of one day, {string.Join(" and ", options.Sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} obligations:");
    sizes.AddRange(await SweepBenchmark.RunAsync(admin, options.Sizes, options.Due, options.Rounds, options.Keep, log));
}

SlotFigures? slots = null;
if (options.Only is null or "slots")
{
    log.WriteLine($"slot search, {options.Searches} searches of each kind:");
    slots = SlotBenchmark.Run(options.Searches);
}

var loadAfter = LoadAverage();
var markdown = Report(sizes, slots, options, loadBefore, loadAfter);
log.WriteLine();
log.WriteLine(markdown);
if (options.Doc is { } doc)
{
    PerformanceSection.Replace(doc, "scheduling", markdown);
    log.WriteLine($"(wrote the scheduling section of {doc})");
}
return 0;

static string Report(List<SweepSize> sizes, SlotFigures? slots, Options options, string loadBefore, string loadAfter)
{
    var text = new StringBuilder();
    var memory = MemoryGiB();
    text.AppendLine("## Scheduling: the milestone sweep of one day at " + (sizes.Count > 0 ? string.Join(" and ", sizes.Select(s => s.Total.ToString("N0", CultureInfo.InvariantCulture))) + " obligations" : "(not run)") + ", and slot search");
    text.AppendLine();
    text.AppendLine(($"Run on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC by `bench/scheduling.sh`: {Environment.ProcessorCount} cores, {memory} GiB memory, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; PostgreSQL on the same machine. "
        + $"Load average (1/5/15 min) before: {loadBefore}, after: {loadAfter} (the machine is shared: wall times swing with it; statements and milestones do not)."));
    if (sizes.Count > 0)
    {
        var first = sizes[0].Load;
        text.AppendLine();
        text.AppendLine("### Milestone sweep of one day");
        text.AppendLine();
        text.AppendLine(($"Obligations bulk-loaded with binary COPY into the schema the service's own migrations create, in the state the service leaves after sweeping every day up to {LoadPlan.DefaultDay.AddDays(-1):ddd d MMM yyyy}: "
            + "open reviews due over the next 18 months (one in ten re-planned once), an overdue backlog of up to four months getting weekly reminders, and completed or cancelled ones from the last two years, each with its revisions and every milestone already recorded. "
            + $"At both sizes the same {options.Due:N0} obligations (by id, date and area) have a milestone on {LoadPlan.DefaultDay:ddd d MMM yyyy} ({string.Join(", ", first.DueByKind.Where(k => k.Value > 0).Select(k => $"{k.Value:N0} {k.Key}"))}); no other obligation has. "
            + $"The sweep is the service's own `MilestonePublisher.SweepAsync` (batches of {options.BatchSize}, outbox rows and cursor updates in one transaction per batch) on its simulated clock at 07:00:30 that day; "
            + $"the empty sweep is the next poll at the same instant, when every cursor has moved past now. Medians of {options.Rounds} rounds after two warm-up rounds, the sizes alternating within each round (so the shared machine's load swings hit both); "
            + "after each round the swept cursors are put back and the milestones and outbox rows it wrote deleted (and vacuumed)."));
        text.AppendLine();
        text.AppendLine("- wall = `SweepAsync` start to end; cpu = this process's CPU time (EF Core, planner, events); server cpu = the PostgreSQL backends' CPU (from /proc).");
        text.AppendLine("- commands = commands sent, from Npgsql's tracing (BEGIN rides with a transaction's first command; the COMMIT of each batch, one per 500, is not traced); statements = SQL statements in them (EF Core batches a save's inserts and updates, and the outbox interceptor adds its own, into few commands).");
        text.AppendLine();
        text.AppendLine("| obligations | recorded milestones | database | load (s) | sweep | milestones | wall (ms) | cpu (ms) | server cpu (ms) | commands | statements |");
        text.AppendLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            foreach (var (label, run) in new[] { ("day", size.DueMedian), ("empty", size.EmptyMedian) })
            {
                text.AppendLine(($"| {size.Total:N0} | {size.HistoryRows:N0} | {size.DatabaseBytes / 1024.0 / 1024:N0} MB | {(size.Load.Generate + size.Load.Copy).TotalSeconds:0} | {label} | {run.Milestones:N0} | {run.WallMs:0.0} | {run.CpuMs:0} | {(run.ServerCpuMs is { } s ? s.ToString("0", CultureInfo.InvariantCulture) : "n/a")} | {run.RoundTrips} | {run.Statements} |"));
            }
        }
        if (sizes.Count >= 2)
        {
            var small = sizes[0];
            var large = sizes[^1];
            text.AppendLine();
            text.AppendLine(($"{large.Total:N0} / {small.Total:N0} ({(double)large.Total / small.Total:0}× the obligations, the same {options.Due:N0} due): "
                + $"day sweep wall **{Ratio(large.DueMedian.WallMs, small.DueMedian.WallMs)}**, cpu {Ratio(large.DueMedian.CpuMs, small.DueMedian.CpuMs)}, "
                + $"server cpu {(large.DueMedian.ServerCpuMs is { } l && small.DueMedian.ServerCpuMs is { } s2 ? Ratio(l, s2) : "n/a")}, "
                + $"statements {Ratio(large.DueMedian.Statements, small.DueMedian.Statements)}; "
                + $"empty sweep wall {Ratio(large.EmptyMedian.WallMs, small.EmptyMedian.WallMs)}, statements {Ratio(large.EmptyMedian.Statements, small.EmptyMedian.Statements)}. "
                + $"Per due milestone at {large.Total:N0}: {large.DueMedian.WallMs / options.Due:0.000} ms wall, {large.DueMedian.CpuMs / options.Due:0.000} ms cpu, {(double)large.DueMedian.Statements / options.Due:0.000} statements."));
        }
        text.AppendLine();
        text.AppendLine(($"The sweep's main query (`{SweepBenchmark.MainQuery.Replace("AS \"Value\" ", "", StringComparison.Ordinal).Replace("{0}", "now").Replace("{1}", options.BatchSize.ToString(CultureInfo.InvariantCulture))}`) at {sizes[^1].Total:N0} obligations, "
            + $"`EXPLAIN (ANALYZE, BUFFERS)`: index `ix_review_obligations_wake_up` {(sizes[^1].IndexUsed ? "used, no sequential scan" : "**NOT used**")}:"));
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(sizes[^1].Explain);
        text.AppendLine("```");
    }
    if (slots is { } slot)
    {
        text.AppendLine();
        text.AppendLine("### Conference slot search");
        text.AppendLine();
        text.AppendLine(($"`SlotFinder.Find` for {slot.Agencies} agencies (4 responsible authorities + 2 more required, 14 invited) over a {slot.WindowDays}-day window (2-hour meeting, 15-minute grid, 09:00-17:00 on working days: {slot.Candidates:N0} candidate starts), "
            + $"with {slot.BusyPeriods:N0} busy periods (each agency's leave days and half-day commitments, and the area's booked conferences, about two a working day): {slot.Feasible:N0} feasible slots. "
            + $"Median of {slot.Searches} searches of each kind, interleaved in one process after a warm-up. The naive reference checks every candidate against every busy period of every participant; its feasible slots equal the finder's (checked every run)."));
        text.AppendLine();
        text.AppendLine("| search | median (µs) | p90 (µs) | × 20-agency finder |");
        text.AppendLine("|---|---:|---:|---:|");
        text.AppendLine(($"| finder, {slot.Agencies} agencies | {slot.FinderUs:N0} | {slot.FinderP90Us:N0} | 1.00 |"));
        text.AppendLine(($"| finder, 4 responsible authorities only | {slot.FourAgenciesUs:N0} | | {slot.FourAgenciesUs / slot.FinderUs:0.00} |"));
        text.AppendLine(($"| naive scan, {slot.Agencies} agencies | {slot.NaiveUs:N0} | {slot.NaiveP90Us:N0} | {slot.NaiveUs / slot.FinderUs:0.0} |"));
        text.AppendLine();
        text.AppendLine(($"Allocated per 20-agency search: {slot.AllocatedKbPerSearch:N0} KB."));
    }
    text.AppendLine();
    text.AppendLine(($"Rerun: `bench/scheduling.sh` (starts its own PostgreSQL unless MAPPA_TEST_POSTGRES points at one; `--sizes 100000,1000000`, `--due {options.Due}`, `--rounds {options.Rounds}`, `--searches {options.Searches}`, `--only sweep|slots`, `--no-doc`)."));
    return text.ToString();

    static string Ratio(double a, double b) => b == 0 ? "n/a" : (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×";
}

static string LoadAverage()
{
    try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "n/a"; }
}

static string MemoryGiB()
{
    try
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb / 1024.0 / 1024).ToString("0", CultureInfo.InvariantCulture);
    }
    catch (IOException) { return "n/a"; }
}

internal sealed record Options(int[] Sizes, int Due, int Rounds, int Searches, string? Only, bool Keep, string? Doc, int BatchSize)
{
    public static Options Parse(string[] args)
    {
        var options = new Options([100_000, 1_000_000], 5_000, 3, 200, null, false, null, 500);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--sizes" => options with { Sizes = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--due" => options with { Due = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rounds" => options with { Rounds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--searches" => options with { Searches = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--only" => options with { Only = Next() switch { "sweep" => "sweep", "slots" => "slots", _ => throw new ArgumentException("--only sweep|slots") } },
                "--keep" => options with { Keep = true },
                "--doc" => options with { Doc = Next() },
                _ => throw new ArgumentException($"Unknown argument {args[i]}."),
            };
        }
        return options;
    }
}
