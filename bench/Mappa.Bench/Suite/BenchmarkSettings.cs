namespace Mappa.Bench.Suite;

/// <summary>One set of load parameters applied identically to every server.</summary>
public sealed record BenchmarkSettings
{
    public int Rounds { get; init; } = 5;
    public int Clients { get; init; } = 4;
    public int StreamsPerClient { get; init; } = 16;
    public int DurationSeconds { get; init; } = 5;
    /// <summary>h2load's own warm-up per run; 0 because servers are warmed before the rounds and CPU per call counts every call.</summary>
    public int WarmUpSeconds { get; init; }
    /// <summary>
    /// Unrecorded load on each .NET server before the rounds. Tiered compilation took 30–45 s of load to bring
    /// the layer's hot methods to Tier1 on this shared 2-core machine (checked with DOTNET_PerfMapEnabled);
    /// measuring earlier compares partly unoptimised code.
    /// </summary>
    public int DotnetWarmUpSeconds { get; init; } = 45;
    /// <summary>Unrecorded load on the Python and Node servers before the rounds.</summary>
    public int PeerWarmUpSeconds { get; init; } = 5;
    /// <summary>Servers on CPU 0, h2load on CPU 1 (taskset), so load generator and server do not fight for a core.</summary>
    public bool Pin { get; init; } = true;
    public string Python { get; init; } = Environment.GetEnvironmentVariable("MAPPA_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
    public string? NodeModules { get; init; } = Environment.GetEnvironmentVariable("MAPPA_TEST_NODE_MODULES");
    public string Node { get; init; } = "node";
    public string? DocumentPath { get; init; }
    /// <summary>Only these targets (ours, bare, python, node; diagnostic: routed, protobuf); the first four when empty.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    public static BenchmarkSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchmarkSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--rounds" => settings with { Rounds = int.Parse(Next()) },
                "--clients" => settings with { Clients = int.Parse(Next()) },
                "--streams" => settings with { StreamsPerClient = int.Parse(Next()) },
                "--duration" => settings with { DurationSeconds = int.Parse(Next()) },
                "--warm-up" => settings with { WarmUpSeconds = int.Parse(Next()) },
                "--dotnet-warm-up" => settings with { DotnetWarmUpSeconds = int.Parse(Next()) },
                "--peer-warm-up" => settings with { PeerWarmUpSeconds = int.Parse(Next()) },
                "--no-pin" => settings with { Pin = false },
                "--python" => settings with { Python = Next() },
                "--node-modules" => settings with { NodeModules = Next() },
                "--node" => settings with { Node = Next() },
                "--doc" => settings with { DocumentPath = Next() },
                "--only" => settings with { Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return settings;
    }
}
