using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Mappa.Grpc.Client;
using Mappa.Security;

namespace Mappa.Load;

/// <summary>One load (or soak) run: deploy, baseline, warm up, measure, read the services' metrics, tear down.</summary>
public static class LoadRun
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, Action<string> log, CancellationToken cancellationToken = default)
    {
        await using var deployment = new Deployment(options);
        await deployment.StartAsync(log);

        var token = deployment.Tokens.Issue("load-client", "glasgow-cjsw", "SOCIAL_WORK", [Workload.Area],
            [Role.MappaCoordinator, Role.Assessor]);
        GrpcChannel Channel(string service, int client)
        {
            var instances = deployment.Of(service).ToArray();
            return new GrpcChannel(instances[client % instances.Length].GrpcAddress, new GrpcChannelOptions
            {
                BearerTokenProvider = _ => ValueTask.FromResult<string?>(token),
                RetryPolicy = RetryPolicy.None,
                DefaultDeadline = TimeSpan.FromSeconds(60),
            });
        }
        var channels = Enumerable.Range(0, options.Clients)
            .Select(c => (RiskAssessment: Channel("RiskAssessment", c), CaseConference: Channel("CaseConference", c), Scheduling: Channel("Scheduling", c)))
            .ToArray();
        try
        {
            // Baseline in the same run: the cheapest RPC there is (health check, no token, no database) on the same
            // clients, processes and machine, so the mix's figures can be read as a ratio on a noisy machine.
            var baseline = await BaselineAsync(options, channels.Select(c => c.RiskAssessment).ToArray(), TimeSpan.FromSeconds(options.BaselineSeconds));
            log($"baseline: {baseline.PerSecond:N0} health checks/s, p50 {baseline.P50Ms:0.00} ms, p99 {baseline.P99Ms:0.00} ms, {baseline.Failed} failed");

            var recorders = Enumerable.Range(0, options.Clients).Select(_ => new Recorder()).ToArray();
            var workloads = Enumerable.Range(0, options.Clients)
                .Select(c => new Workload(c, channels[c].RiskAssessment, channels[c].CaseConference, channels[c].Scheduling, recorders[c], TimeSpan.FromSeconds(options.ConferenceLeadSeconds))).ToArray();

            var clock = Stopwatch.StartNew();
            var warmUp = TimeSpan.FromSeconds(options.WarmUpSeconds);
            var measureEnd = warmUp + TimeSpan.FromSeconds(options.DurationSeconds);
            foreach (var recorder in recorders)
            {
                recorder.Recording = options.WarmUpSeconds == 0;
                recorder.InWindow = () => clock.Elapsed < measureEnd;
            }
            var running = workloads.Select(w => Task.Run(() => w.RunAsync(() => clock.Elapsed < measureEnd, cancellationToken))).ToArray();

            if (options.WarmUpSeconds > 0)
            {
                await Task.Delay(warmUp, cancellationToken);
                foreach (var recorder in recorders) recorder.Recording = true;
                log($"warm-up done ({options.WarmUpSeconds} s); measuring {options.DurationSeconds} s with {options.Clients} clients");
            }
            var measuredFrom = clock.Elapsed;
            var before = deployment.Instances.ToDictionary(i => i.Name, i => ProcSample.Read(i.ProcessId));
            var samples = new List<ResourceSample>();
            var sampler = SampleAsync(deployment, options, samples, () => clock.Elapsed < measureEnd, measuredFrom, clock, log, cancellationToken);
            await Task.WhenAll(running);
            // Rates are over the window; the calls after it (holding conferences still pending) are counted apart.
            var measured = measureEnd - measuredFrom;
            await sampler;
            var after = deployment.Instances.ToDictionary(i => i.Name, i => ProcSample.Read(i.ProcessId));

            var merged = Recorder.Merge(recorders);
            var services = new List<ServiceFigures>();
            foreach (var instance in deployment.Instances)
            {
                var metricsAtEnd = await ReadMetricsAsync(instance);
                var b = before[instance.Name];
                var a = after[instance.Name];
                services.Add(new ServiceFigures(instance.Name, instance.ProcessId, !instance.HasExited,
                    a?.RssBytes ?? 0, samples.Where(s => s.Instance == instance.Name).Select(s => s.RssBytes).Append(a?.RssBytes ?? 0).Max(),
                    a is not null && b is not null ? (a.CpuSeconds - b.CpuSeconds) / measured.TotalSeconds : 0,
                    a?.Threads ?? 0, a?.OpenFds ?? 0,
                    metricsAtEnd.Sum("dotnet_gc_heap_size_bytes"),
                    metricsAtEnd.Sum("mappa_outbox_unsent_events"), metricsAtEnd.Max("mappa_outbox_oldest_unsent_age_seconds"),
                    metricsAtEnd.Sum("mappa_consumer_lag_seconds_count"), metricsAtEnd.Sum("mappa_consumer_lag_seconds_sum"),
                    metricsAtEnd.HistogramQuantile("mappa_consumer_lag_seconds", 0.99)));
            }
            // The backlog at the end is what the load left; how long it takes to drain says whether the relays keep up.
            var queues = await deployment.QueueDepthsAsync();
            var drain = await DrainAsync(deployment, TimeSpan.FromSeconds(120));
            log(drain is { } d ? $"outboxes drained {d.TotalSeconds:0.0} s after the load" : "outboxes NOT drained within 120 s");

            var rpcs = merged.LatenciesMs.Keys.Union(merged.Errors.Keys.Select(k => k.Rpc)).Union(merged.CallsAfterWindow.Keys).Order(StringComparer.Ordinal).Select(rpc =>
            {
                var sorted = merged.LatenciesMs.GetValueOrDefault(rpc, []).Order().ToList();
                return new RpcFigures(rpc, sorted.Count, sorted.Count / measured.TotalSeconds,
                    Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.95), Percentiles.Of(sorted, 0.99),
                    merged.Errors.Where(x => x.Key.Rpc == rpc).Sum(x => x.Value), merged.CallsAfterWindow.GetValueOrDefault(rpc));
            }).ToList();
            var all = merged.LatenciesMs.Values.SelectMany(v => v).Order().ToList();
            var total = new RpcFigures("all", all.Count, all.Count / measured.TotalSeconds,
                Percentiles.Of(all, 0.50), Percentiles.Of(all, 0.95), Percentiles.Of(all, 0.99), merged.Errors.Values.Sum(), merged.CallsAfterWindow.Values.Sum());
            var errors = merged.Errors.OrderBy(e => e.Key.Rpc, StringComparer.Ordinal).ThenBy(e => e.Key.Status, StringComparer.Ordinal)
                .Select(e => new ErrorFigures(e.Key.Rpc, e.Key.Status, e.Value)).ToList();

            return new LoadResult(DateTimeOffset.UtcNow, options.Clients, options.Instances, options.WarmUpSeconds, measured.TotalSeconds,
                Machine.Describe(), baseline, total, rpcs, errors, merged.ErrorSamples, services, drain?.TotalSeconds, queues,
                options.SampleSeconds > 0 ? Soak.Analyse(samples, options.SoakWarmUpSeconds) : null);
        }
        finally
        {
            foreach (var c in channels)
            {
                c.RiskAssessment.Dispose();
                c.CaseConference.Dispose();
                c.Scheduling.Dispose();
            }
        }
    }

    private static async Task<BaselineFigures> BaselineAsync(LoadOptions options, GrpcChannel[] channels, TimeSpan duration)
    {
        var check = HealthReflection.Descriptor.Services[0].FindMethodByName("Check");
        var latencies = new List<double>[channels.Length];
        var failed = 0;
        var clock = Stopwatch.StartNew();
        // A short unrecorded start, so connection set-up is not in the figures.
        await Task.WhenAll(channels.Select(c => c.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest())));
        clock.Restart();
        await Task.WhenAll(channels.Select(async (channel, i) =>
        {
            var own = latencies[i] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(check, new HealthCheckRequest());
                    own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is Mappa.Grpc.RpcException or HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToList();
        return new BaselineFigures("grpc.health.v1.Health/Check (RiskAssessment)", all.Count / clock.Elapsed.TotalSeconds,
            Percentiles.Of(all, 0.5), Percentiles.Of(all, 0.99), failed);
    }

    private static async Task SampleAsync(Deployment deployment, LoadOptions options, List<ResourceSample> samples, Func<bool> keepGoing,
        TimeSpan measuredFrom, Stopwatch clock, Action<string> log, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(options.SampleSeconds > 0 ? options.SampleSeconds : 10);
        var next = TimeSpan.Zero;
        while (true)
        {
            var at = clock.Elapsed - measuredFrom;
            if (at >= next)
            {
                foreach (var instance in deployment.Instances)
                {
                    var proc = ProcSample.Read(instance.ProcessId);
                    if (proc is null) continue;
                    double heap = 0;
                    try
                    {
                        heap = (await ReadMetricsAsync(instance)).Sum("dotnet_gc_heap_size_bytes");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }
                    lock (samples) samples.Add(new ResourceSample(instance.Name, at.TotalSeconds, proc.RssBytes, heap, proc.OpenFds, proc.Threads));
                }
                if (options.SampleSeconds > 0)
                {
                    var rss = string.Join(", ", deployment.Instances.Select(i => samples.LastOrDefault(s => s.Instance == i.Name) is { } s ? $"{i.Name} {s.RssBytes / 1048576.0:0} MiB/{s.OpenFds} fds/{s.Threads} thr" : i.Name + " ?"));
                    log($"t={at.TotalSeconds:0}s {rss}");
                }
                next += interval;
            }
            if (!keepGoing() || cancellationToken.IsCancellationRequested) break;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task<TimeSpan?> DrainAsync(Deployment deployment, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            double unsent = 0;
            foreach (var instance in deployment.Instances) unsent += (await ReadMetricsAsync(instance)).Sum("mappa_outbox_unsent_events");
            if (unsent == 0) return clock.Elapsed;
            await Task.Delay(500);
        }
        return null;
    }

    private static async Task<PrometheusText> ReadMetricsAsync(ServiceInstance instance) => PrometheusText.Parse(await instance.MetricsAsync());
}

public static class Machine
{
    public static MachineFigures Describe()
    {
        string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
        var memTotal = Read("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var cpu = Read("/proc/cpuinfo").Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var load = Read("/proc/loadavg").Split(' ').Take(3).ToArray();
        return new MachineFigures(Environment.ProcessorCount, cpu,
            memTotal is null ? 0 : long.Parse(memTotal, CultureInfo.InvariantCulture) / 1024.0 / 1024.0,
            string.Join(' ', load), System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, System.Runtime.InteropServices.RuntimeInformation.OSDescription);
    }
}
