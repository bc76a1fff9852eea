using System.Diagnostics;

namespace Mappa.Hosting.Observability;

/// <summary>
/// The process as operators watch it for leaks: resident memory, CPU, open handles (file descriptors) and threads,
/// GC heap and collections, and the thread pool. Names follow Prometheus' process_* conventions.
/// </summary>
public sealed class ProcessMetrics : IMetricsSource
{
    private static readonly string[] GenerationNames = ["0", "1", "2"];

    public Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken)
    {
        using var process = Process.GetCurrentProcess();
        writer.Family("process_resident_memory_bytes", "gauge", "Resident set size of the process.")
            .Sample("process_resident_memory_bytes", process.WorkingSet64);
        writer.Family("process_cpu_seconds_total", "counter", "User and system CPU time of the process.")
            .Sample("process_cpu_seconds_total", process.TotalProcessorTime.TotalSeconds);
        writer.Family("process_open_fds", "gauge", "Open handles: file descriptors on Linux (sockets, files, pipes).")
            .Sample("process_open_fds", OpenHandles(process));
        writer.Family("process_threads", "gauge", "Operating-system threads of the process.")
            .Sample("process_threads", process.Threads.Count);
        writer.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.")
            .Sample("process_start_time_seconds", new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);

        var gc = GC.GetGCMemoryInfo();
        writer.Family("dotnet_gc_heap_size_bytes", "gauge", "Managed heap size after the last collection.")
            .Sample("dotnet_gc_heap_size_bytes", gc.HeapSizeBytes);
        writer.Family("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.")
            .Sample("dotnet_gc_allocated_bytes_total", GC.GetTotalAllocatedBytes());
        writer.Family("dotnet_gc_committed_bytes", "gauge", "Memory committed by the GC.")
            .Sample("dotnet_gc_committed_bytes", gc.TotalCommittedBytes);
        writer.Family("dotnet_gc_collections_total", "counter", "Garbage collections by generation.");
        for (var generation = 0; generation < GenerationNames.Length; generation++)
        {
            writer.Sample("dotnet_gc_collections_total", GC.CollectionCount(generation), ("generation", GenerationNames[generation]));
        }
        writer.Family("dotnet_gc_pause_seconds_total", "counter", "Time the runtime was paused for garbage collection.")
            .Sample("dotnet_gc_pause_seconds_total", GC.GetTotalPauseDuration().TotalSeconds);

        writer.Family("dotnet_threadpool_threads", "gauge", "Thread-pool threads.")
            .Sample("dotnet_threadpool_threads", ThreadPool.ThreadCount);
        writer.Family("dotnet_threadpool_queue_length", "gauge", "Work items waiting for a thread-pool thread.")
            .Sample("dotnet_threadpool_queue_length", ThreadPool.PendingWorkItemCount);
        writer.Family("dotnet_threadpool_completed_items_total", "counter", "Work items the thread pool has completed.")
            .Sample("dotnet_threadpool_completed_items_total", ThreadPool.CompletedWorkItemCount);
        return Task.CompletedTask;
    }

    /// <summary>File descriptors from /proc on Linux; elsewhere the runtime's handle count.</summary>
    public static int OpenHandles(Process process)
    {
        const string fdDirectory = "/proc/self/fd";
        if (OperatingSystem.IsLinux() && Directory.Exists(fdDirectory))
        {
            try
            {
                return Directory.EnumerateFileSystemEntries(fdDirectory).Count();
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return process.HandleCount;
    }
}
