using System.Diagnostics;

namespace Mappa.Bench.Suite;

/// <summary>A server the benchmark loads, and how to start it.</summary>
public sealed record BenchTarget(string Key, string Name, IReadOnlyList<string> Command, IDictionary<string, string>? Environment = null)
{
    public bool IsDotnet => Command[0] == "dotnet";
}

/// <summary>One h2load measurement of one target in one round.</summary>
public sealed record Measurement(int Round, BenchTarget Target, LoadResult Result);

/// <summary>
/// Unary echo throughput and latency for our layer, bare Kestrel (the ceiling), Python grpcio and Node grpc-js,
/// all loaded by one h2load with the same body and settings. Rounds mirror the order, and every ratio
/// compares figures from the same round, because this machine is shared and noisy.
/// </summary>
public static class UnaryBenchmark
{
    public const string Baseline = "bare";

    public static async Task<int> RunAsync(BenchmarkSettings settings)
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("mappa-bench-").FullName;
        var bodyFile = Path.Combine(work, "echo-request.bin");
        await File.WriteAllBytesAsync(bodyFile, EchoRequestBody.Framed());

        var machine = await MachineInfo.CollectAsync(settings);
        Console.WriteLine(machine.Describe());

        var targets = await TargetsAsync(settings, repository, work);
        List<ServerProcess> started = [];
        try
        {
            var servers = new Dictionary<string, ServerProcess>();
            foreach (var target in targets)
            {
                var server = await ServerProcess.StartAsync(Pinned(settings, target.Command), target.Environment);
                started.Add(server);
                servers[target.Key] = server;
                Console.WriteLine($"{target.Name}: listening on {server.Port}");
            }

            // Warm-up (JIT tiering, connection set-up, thread pools); not recorded.
            foreach (var target in targets)
            {
                await CheckAsync(target, servers[target.Key]);
                var seconds = target.IsDotnet ? settings.DotnetWarmUpSeconds : settings.PeerWarmUpSeconds;
                Console.WriteLine($"{target.Name}: warming up for {seconds} s");
                await H2LoadRun.RunAsync(settings, servers[target.Key].Port, bodyFile, work, durationSeconds: seconds, warmUpSeconds: 0);
            }

            List<Measurement> measurements = [];
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // Mirrored order each round (A B C D, then D C B A): our layer and bare Kestrel always run back to
                // back, each going first half the time, so a burst of outside load hits both sides alike.
                var order = round % 2 == 1 ? targets : targets.Reverse();
                foreach (var target in order)
                {
                    var server = servers[target.Key];
                    await CheckAsync(target, server);
                    var cpuBefore = server.CpuTime();
                    var result = await H2LoadRun.RunAsync(settings, server.Port, bodyFile, work, settings.DurationSeconds, settings.WarmUpSeconds);
                    // Includes h2load's warm-up phase, whose calls the result does not count: keep --warm-up 0
                    // (the default; servers were warmed before the rounds) for a true per-call figure.
                    var cpuPerCall = (server.CpuTime() - cpuBefore).TotalMicroseconds / Math.Max(1, result.Succeeded);
                    result = result with { ServerCpuMicrosecondsPerCall = cpuPerCall };
                    measurements.Add(new Measurement(round, target, result));
                    Console.WriteLine($"round {round}  {target.Name,-24} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,6:N2} ms  p99 {result.P99Ms,6:N2} ms  cpu {cpuPerCall,6:N1} µs/call  failed {result.Failed + result.Non2xx}");
                }
            }

            var report = new UnaryBenchmarkReport(settings, machine, targets, measurements);
            Console.WriteLine();
            Console.WriteLine(report.ConsoleTable());
            if (settings.DocumentPath is { } document)
            {
                PerformanceDocument.ReplaceSection(document, UnaryBenchmarkReport.SectionName, report.Markdown());
                Console.WriteLine($"wrote {document}");
            }
            return report.MeetsTarget() ? 0 : 3;
        }
        finally
        {
            foreach (var server in started)
            {
                await server.DisposeAsync();
            }
            Directory.Delete(work, recursive: true);
        }
    }

    // h2load counts HTTP 200 as success; this proves each server answers grpc-status 0 with the echo.
    private static async Task CheckAsync(BenchTarget target, ServerProcess server)
    {
        var problem = await GrpcStatusCheck.CheckAsync(server.Port);
        if (problem is not null)
        {
            throw new InvalidOperationException($"{target.Name} did not answer the benchmark call correctly: {problem}\n{server.Output}");
        }
    }

    private static IReadOnlyList<string> Pinned(BenchmarkSettings settings, IReadOnlyList<string> command) =>
        settings.Pin ? ["taskset", "-c", "0", .. command] : command;

    private static async Task<IReadOnlyList<BenchTarget>> TargetsAsync(BenchmarkSettings settings, string repository, string work)
    {
        var self = typeof(UnaryBenchmark).Assembly.Location;
        var peers = Path.Combine(repository, "tests", "Mappa.Interop.Tests");
        List<BenchTarget> all =
        [
            new("ours", "Mappa gRPC layer", ["dotnet", self, "serve", "ours", "--port", "0"]),
            new(Baseline, "bare Kestrel (ceiling)", ["dotnet", self, "serve", "bare", "--port", "0"]),
        ];
        // Diagnostic steps between the two (see DiagnosticServers); only when asked for with --only.
        if (settings.Only.Contains("routed"))
        {
            all.Add(new("routed", "bare + routing", ["dotnet", self, "serve", "routed", "--port", "0"]));
        }
        if (settings.Only.Contains("protobuf"))
        {
            all.Add(new("protobuf", "bare + routing + protobuf", ["dotnet", self, "serve", "protobuf", "--port", "0"]));
        }
        if (Wanted(settings, "python"))
        {
            var generated = Path.Combine(work, "python");
            await RunToEndAsync([settings.Python, Path.Combine(peers, "python", "protogen.py"), generated]);
            all.Add(new("python", "Python grpcio", [settings.Python, Path.Combine(peers, "python", "server.py"), "--gen", generated, "--port", "0"]));
        }
        if (Wanted(settings, "node"))
        {
            var modules = settings.NodeModules
                ?? throw new InvalidOperationException("Set MAPPA_TEST_NODE_MODULES (or --node-modules) to a node_modules with @grpc/grpc-js and @grpc/proto-loader.");
            all.Add(new("node", "Node grpc-js", [settings.Node, Path.Combine(peers, "node", "server.js"), "0"],
                new Dictionary<string, string> { ["MAPPA_TEST_NODE_MODULES"] = modules }));
        }
        return [.. all.Where(t => Wanted(settings, t.Key))];
    }

    private static bool Wanted(BenchmarkSettings settings, string key) => settings.Only.Count == 0 || settings.Only.Contains(key);

    private static async Task RunToEndAsync(IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed:\n{await output}{await errors}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mappa.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Mappa.sln above {AppContext.BaseDirectory}.");
    }
}
