using System.Reflection;
using Google.Protobuf.Reflection;
using Mappa.Contracts;
using Mappa.Security;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>
/// Every mappa RPC, found at run time from the compiled contracts (every generated file descriptor in
/// Mappa.Contracts whose package starts with "mappa."), so an RPC or service added to protos/ is covered by every
/// test here without anyone listing it.
/// </summary>
public static class Rpcs
{
    public static IReadOnlyList<ServiceDescriptor> Services { get; } = FindServices();

    public static IReadOnlyList<MethodDescriptor> All { get; } = Services.SelectMany(s => s.Methods).ToArray();

    public static string NameOf(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";

    public static MethodDescriptor ByName(string fullName) =>
        All.SingleOrDefault(m => NameOf(m) == fullName) ?? throw new ArgumentException($"No mappa RPC named {fullName}.", nameof(fullName));

    /// <summary>Full method names, for xunit theories (descriptors do not serialise).</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var method in All)
        {
            data.Add(NameOf(method));
        }
        return data;
    }

    public static MethodAccessRule Rule(MethodDescriptor method) => AccessPolicy.For(method);

    private static ServiceDescriptor[] FindServices()
    {
        var files = typeof(MappaServices).Assembly.GetTypes()
            .Where(type => type.IsClass && type.IsAbstract && type.IsSealed) // static classes: protoc's XxxReflection
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(FileDescriptor))
            .Select(property => (FileDescriptor)property!.GetValue(null)!)
            .Where(file => file.Package.StartsWith("mappa.", StringComparison.Ordinal));
        return files.SelectMany(file => file.Services)
            .DistinctBy(service => service.FullName)
            .OrderBy(service => service.FullName, StringComparer.Ordinal)
            .ToArray();
    }
}
