using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mappa.Testing;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>
/// One service instance as a real process, started from its Release build output
/// (<c>dotnet services/X/bin/Release/net10.0/Mappa.X.dll</c>) and configured by environment variables only, the way
/// docker-compose.yml configures the containers. It keeps its ports across restarts.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Queue<string> _tail = new();
    private Process? _process;

    /// <summary>Where every instance's output goes, one file each, kept after the run for diagnosis.</summary>
    public static string LogDirectory { get; } = Path.Combine(Path.GetTempPath(), "mappa-reliability-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + System.Environment.ProcessId);

    public ServiceProcess(string service, int instance, IDictionary<string, string> environment)
    {
        Service = service;
        Instance = instance;
        GrpcPort = FreePort();
        HttpPort = FreePort();
        Environment = new Dictionary<string, string>(environment)
        {
            ["Mappa__Grpc__Port"] = GrpcPort.ToString(),
            ["Mappa__Http__Port"] = HttpPort.ToString(),
        };
    }

    /// <summary>RiskAssessment, CaseConference or Scheduling.</summary>
    public string Service { get; }

    public int Instance { get; }

    public string Name => $"{Service.ToLowerInvariant()}-{Instance}";

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>The process's environment; a change applies at the next start.</summary>
    public Dictionary<string, string> Environment { get; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

    public static string DllPath(string service) =>
        Path.Combine(TestEnvironment.RepositoryRoot, "services", service, "bin", "Release", "net10.0", $"Mappa.{service}.dll");

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running.");
        var dll = DllPath(Service);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in Release first (./test.sh does), e.g. dotnet build tests/Mappa.Reliability.Tests -c Release.");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        // Only what a container would have: no inherited Mappa__ or ASPNETCORE_ settings from the test runner.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Mappa__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Remember($"--- started pid {process.Id}");
        _process = process;
        lock (Tracked) Tracked.Add(process);
    }

    /// <summary>Waits until /healthz answers 200 and the gRPC port accepts connections; fails with the log tail if the process exits.</summary>
    public async Task WaitHealthyAsync(TimeSpan? bound = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync($"{Name} healthy", async () =>
        {
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"{Name} exited ({_process?.ExitCode}) before it was healthy:\n{LogTail()}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/healthz");
                if (response.StatusCode != HttpStatusCode.OK) return false;
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, GrpcPort);
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
            {
                return false;
            }
        }, bound ?? TimeSpan.FromSeconds(120), () => LogTail());
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a machine or container dies.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        Remember("--- SIGKILL");
        _process.Kill(entireProcessTree: true);
        await WaitExitAsync();
    }

    /// <summary>SIGTERM: the host shuts down gracefully.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        Remember("--- SIGTERM");
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }
        try
        {
            await WaitExitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await KillAsync();
        }
    }

    public string LogTail()
    {
        lock (_gate) return $"[{Name}] (whole log: {Path.Combine(LogDirectory, Name + ".log")})\n" + string.Join('\n', _tail);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception)
        {
            // Already gone.
        }
    }

    private async Task WaitExitAsync(TimeSpan? bound = null)
    {
        using var timeout = new CancellationTokenSource(bound ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process!.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit.");
        }
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            Directory.CreateDirectory(LogDirectory);
            File.AppendAllText(Path.Combine(LogDirectory, Name + ".log"), line + "\n");
            _tail.Enqueue(line);
            while (_tail.Count > 60) _tail.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Every process started, killed when the test host exits so none outlives a crashed run.</summary>
    private static readonly List<Process> Tracked = Track();

    private static List<Process> Track()
    {
        var list = new List<Process>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (list)
            {
                foreach (var process in list)
                {
                    try
                    {
                        if (!process.HasExited) process.Kill(entireProcessTree: true);
                    }
                    catch (Exception)
                    {
                        // Gone already.
                    }
                }
            }
        };
        return list;
    }
}
