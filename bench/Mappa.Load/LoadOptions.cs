using System.Globalization;

namespace Mappa.Load;

/// <summary>Command-line options of the load tool (see <see cref="Usage"/>).</summary>
public sealed record LoadOptions
{
    public int Clients { get; init; } = 8;
    public int DurationSeconds { get; init; } = 30;
    public int WarmUpSeconds { get; init; } = 10;
    public int BaselineSeconds { get; init; } = 5;
    public int Instances { get; init; } = 1;
    /// <summary>How far ahead conferences are scheduled (they are held once their start has passed).</summary>
    public int ConferenceLeadSeconds { get; init; } = 15;
    /// <summary>Sample each service's RSS, GC heap, handles and threads this often (soak); 0 = only at start and end.</summary>
    public int SampleSeconds { get; init; }
    /// <summary>For the soak verdict: samples before this many seconds into the measured run are warm-up.</summary>
    public int SoakWarmUpSeconds { get; init; } = 120;
    public string? OutputPath { get; init; }
    public string RepositoryRoot { get; init; } = FindRepositoryRoot();
    public bool Quiet { get; init; }

    public const string Usage = """
        mappa-load [--clients N] [--duration S] [--warm-up S] [--baseline S] [--instances 1|2]
                   [--sample S] [--soak-warm-up S] [--conference-lead S] [--out result.json] [--repo DIR] [--quiet]
        Needs MAPPA_TEST_POSTGRES and MAPPA_TEST_RABBITMQ (+ MAPPA_TEST_RABBITMQ_MANAGEMENT for a private vhost);
        bench/load.sh starts its own servers and sets them. Exit code 0 only when no call failed.
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int Int() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--clients" => options with { Clients = Int() },
                "--duration" => options with { DurationSeconds = Int() },
                "--warm-up" => options with { WarmUpSeconds = Int() },
                "--baseline" => options with { BaselineSeconds = Int() },
                "--instances" => options with { Instances = Int() },
                "--conference-lead" => options with { ConferenceLeadSeconds = Int() },
                "--sample" => options with { SampleSeconds = Int() },
                "--soak-warm-up" => options with { SoakWarmUpSeconds = Int() },
                "--out" => options with { OutputPath = Next() },
                "--repo" => options with { RepositoryRoot = Path.GetFullPath(Next()) },
                "--quiet" => options with { Quiet = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
        }
        if (options.Clients < 1) throw new ArgumentException("--clients must be at least 1.");
        if (options.DurationSeconds < 1) throw new ArgumentException("--duration must be at least 1.");
        if (options.Instances is < 1 or > 4) throw new ArgumentException("--instances must be 1 to 4.");
        return options;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mappa.sln"))) return directory.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
