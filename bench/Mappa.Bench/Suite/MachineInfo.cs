using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mappa.Bench.Suite;

/// <summary>The machine and software a run was measured on, so figures are read against their context.</summary>
public sealed record MachineInfo(
    string Cpus, string CpuModel, string Os, string DotnetRuntime, string DotnetSdk,
    string H2Load, string Python, string Grpcio, string Node, string GrpcJs, DateTimeOffset MeasuredAt)
{
    public static async Task<MachineInfo> CollectAsync(BenchmarkSettings settings)
    {
        var lscpu = await OutputOfAsync("lscpu");
        var model = lscpu.Split('\n').FirstOrDefault(l => l.StartsWith("Model name:", StringComparison.Ordinal))?["Model name:".Length..].Trim() ?? "unknown";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "unknown"
            : RuntimeInformation.OSDescription;
        var grpcJs = "unknown";
        if (settings.NodeModules is { } modules && File.Exists(Path.Combine(modules, "@grpc", "grpc-js", "package.json")))
        {
            using var package = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(modules, "@grpc", "grpc-js", "package.json")));
            grpcJs = package.RootElement.GetProperty("version").GetString() ?? "unknown";
        }
        return new MachineInfo(
            (await OutputOfAsync("nproc")).Trim(),
            model,
            os,
            RuntimeInformation.FrameworkDescription,
            (await OutputOfAsync("dotnet", "--version")).Trim(),
            (await OutputOfAsync("h2load", "--version")).Trim(),
            (await OutputOfAsync(settings.Python, "--version")).Trim(),
            (await OutputOfAsync(settings.Python, "-c", "import grpc; print(grpc.__version__)")).Trim(),
            (await OutputOfAsync(settings.Node, "--version")).Trim(),
            grpcJs,
            DateTimeOffset.UtcNow);
    }

    public string Describe() =>
        $"machine: {Cpus} CPUs, {CpuModel}, {Os}\n" +
        $"software: {DotnetRuntime} (SDK {DotnetSdk}), {H2Load}, {Python} with grpcio {Grpcio}, Node {Node} with @grpc/grpc-js {GrpcJs}";

    private static async Task<string> OutputOfAsync(string fileName, params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unavailable";
        }
    }
}
