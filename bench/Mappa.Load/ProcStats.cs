using System.Globalization;

namespace Mappa.Load;

/// <summary>A process's resources as Linux reports them in /proc (no cooperation from the process needed).</summary>
public sealed record ProcSample(DateTimeOffset At, long RssBytes, int Threads, int OpenFds, double CpuSeconds)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux the suite runs on

    public static ProcSample? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Kb(string key) => long.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            var rss = Kb("VmRSS:") * 1024;
            var threads = (int)Kb("Threads:");
            var fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            return new ProcSample(DateTimeOffset.UtcNow, rss, threads, fds, cpu);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
