using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mappa.Bench.Suite;

/// <summary>What one h2load measurement gave.</summary>
public sealed record LoadResult(double RequestsPerSecond, long Succeeded, long Failed, long Non2xx, double P50Ms, double P99Ms)
{
    /// <summary>Server CPU time per successful call, in microseconds (set by the caller, which knows the server).</summary>
    public double ServerCpuMicrosecondsPerCall { get; init; } = double.NaN;
}

/// <summary>Runs h2load once against one server, with the settings every server gets.</summary>
public static partial class H2LoadRun
{
    public static async Task<LoadResult> RunAsync(BenchmarkSettings settings, int port, string bodyFile, string workDirectory, int durationSeconds, int warmUpSeconds)
    {
        var log = Path.Combine(workDirectory, $"h2load-{port}-{Guid.NewGuid():N}.tsv");
        List<string> command = [];
        if (settings.Pin)
        {
            command.AddRange(["taskset", "-c", "1"]);
        }
        command.AddRange([
            "h2load",
            "-c", settings.Clients.ToString(CultureInfo.InvariantCulture),
            "-m", settings.StreamsPerClient.ToString(CultureInfo.InvariantCulture),
            "-t", "1",
            "-D", durationSeconds.ToString(CultureInfo.InvariantCulture),
            "-d", bodyFile,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            "--log-file", log,
            $"http://127.0.0.1:{port}{GrpcStatusCheck.EchoPath}",
        ]);
        if (warmUpSeconds > 0)
        {
            command.InsertRange(command.Count - 1, ["--warm-up-time", warmUpSeconds.ToString(CultureInfo.InvariantCulture)]);
        }

        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"h2load failed ({process.ExitCode}):\n{output}");
        }

        var finished = Finished().Match(output);
        var requests = Requests().Match(output);
        var codes = StatusCodes().Match(output);
        if (!finished.Success || !requests.Success || !codes.Success)
        {
            throw new InvalidOperationException($"Unexpected h2load output:\n{output}");
        }
        var latencies = ReadLatenciesMicroseconds(log);
        File.Delete(log);
        var non2xx = long.Parse(codes.Groups["s3"].Value) + long.Parse(codes.Groups["s4"].Value) + long.Parse(codes.Groups["s5"].Value);
        return new LoadResult(
            double.Parse(finished.Groups["rps"].Value, CultureInfo.InvariantCulture),
            long.Parse(requests.Groups["succeeded"].Value),
            long.Parse(requests.Groups["failed"].Value) + long.Parse(requests.Groups["errored"].Value) + long.Parse(requests.Groups["timeout"].Value),
            non2xx,
            Percentile(latencies, 0.50) / 1000.0,
            Percentile(latencies, 0.99) / 1000.0);
    }

    // h2load's per-request log: start time (µs since epoch), HTTP status, µs until the end of the response.
    // It holds the measured phase only (not the warm-up).
    private static long[] ReadLatenciesMicroseconds(string path)
    {
        var latencies = File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length >= 3 && columns[1] == "200")
            .Select(columns => long.Parse(columns[2], CultureInfo.InvariantCulture))
            .ToArray();
        Array.Sort(latencies);
        return latencies;
    }

    private static double Percentile(long[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var index = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    [GeneratedRegex(@"finished in [\d.]+\w+, (?<rps>[\d.]+) req/s")]
    private static partial Regex Finished();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored, (?<timeout>\d+) timeout")]
    private static partial Regex Requests();

    [GeneratedRegex(@"status codes: \d+ 2xx, (?<s3>\d+) 3xx, (?<s4>\d+) 4xx, (?<s5>\d+) 5xx")]
    private static partial Regex StatusCodes();
}
