using System.Text.Json;
using Mappa.Load;

// Load and soak against the suite as separate processes on PostgreSQL and RabbitMQ (bench/load.sh, bench/soak.sh).
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
void Log(string line)
{
    if (!options.Quiet) Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}

LoadResult result;
try
{
    result = await LoadRun.RunAsync(options, Log, stop.Token);
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

Console.WriteLine(Report.Markdown(result));
if (options.OutputPath is { } path)
{
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Report.Json));
    Log($"result written to {path}");
}
return result.Passed ? 0 : 1;
