using System.Diagnostics;
using System.Text;

namespace Mappa.Interop.Tests.Infrastructure;

/// <summary>
/// A peer program (Python or Node) run as a child process, with its output collected. Disposing kills it,
/// so a failed test never leaves a server behind.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    // Guards against a hung peer only; no test asserts on how long anything takes.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _lineWaiters = [];

    private PeerProcess(Process process)
    {
        _process = process;
    }

    public string Description { get; private init; } = "";

    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestEnvironment.TestProjectDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(process) { Description = $"{fileName} {string.Join(' ', info.ArgumentList)}" };
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data, peer._stdout, matchWaiters: true);
        process.ErrorDataReceived += (_, e) => peer.OnLine(e.Data, peer._stderr, matchWaiters: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public string StandardOutput { get { lock (_gate) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_gate) { return _stderr.ToString(); } } }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for a stdout line matching <paramref name="match"/>; fails if the peer exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var line in _stdout.ToString().Split('\n'))
            {
                if (match(line.TrimEnd('\r')))
                {
                    return line.TrimEnd('\r');
                }
            }
            _lineWaiters.Add((match, seen));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(HangGuard));
        if (first == seen.Task)
        {
            return await seen.Task;
        }
        throw new InvalidOperationException(
            (first == exited ? "The peer exited" : "The peer hung") + $" before printing the expected line.\n{Report()}");
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the peer to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new InvalidOperationException($"The peer hung.\n{Report()}");
        }
        // The parameterless wait drains the redirected output streams.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public string Report() => $"command: {Description}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private void OnLine(string? line, StringBuilder sink, bool matchWaiters)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            sink.Append(line).Append('\n');
            if (!matchWaiters)
            {
                return;
            }
            for (var i = _lineWaiters.Count - 1; i >= 0; i--)
            {
                if (_lineWaiters[i].Match(line))
                {
                    _lineWaiters[i].Seen.TrySetResult(line);
                    _lineWaiters.RemoveAt(i);
                }
            }
        }
    }
}
