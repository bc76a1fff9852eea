using System.Diagnostics;

namespace Mappa.Bench.Suite;

/// <summary>A server under test, run as its own process; it prints "listening PORT" once it accepts calls.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ServerProcess(Process process) => _process = process;

    public int Port { get; private set; }

    /// <summary>
    /// CPU time (user + system) the server has used so far, from /proc/PID/stat. Under outside load throughput
    /// swings, but the CPU a server spends per call stays much steadier, so it is reported beside req/s.
    /// (taskset execs the server, so the PID is the server's own.)
    /// </summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    // USER_HZ is 100 on Linux for every architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    public static async Task<ServerProcess> StartAsync(IReadOnlyList<string> command, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var server = new ServerProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._listening.TrySetException(
            new InvalidOperationException($"{string.Join(' ', command)} exited before listening:\n{server.Output}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        var started = await Task.WhenAny(server._listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != server._listening.Task)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"{string.Join(' ', command)} did not start listening:\n{server.Output}");
        }
        server.Port = await server._listening.Task;
        return server;
    }

    public string Output { get { lock (_output) { return string.Join('\n', _output); } } }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        if (line.StartsWith("listening ", StringComparison.Ordinal) && int.TryParse(line["listening ".Length..], out var port))
        {
            _listening.TrySetResult(port);
        }
    }
}
