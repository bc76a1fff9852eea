using Google.Protobuf.Reflection;
using Mappa.Grpc.Tests.Contracts;

namespace Mappa.Grpc.Tests.TestSupport;

public static class TestContract
{
    public static ServiceDescriptor EchoService { get; } = EchoReflection.Descriptor.Services.Single(s => s.Name == "EchoService");

    public static ServiceDescriptor OtherService { get; } = EchoReflection.Descriptor.Services.Single(s => s.Name == "OtherService");

    public static MethodDescriptor Echo { get; } = EchoService.FindMethodByName("Echo");

    public static MethodDescriptor EchoStream { get; } = EchoService.FindMethodByName("EchoStream");

    public static MethodDescriptor Chat { get; } = EchoService.FindMethodByName("Chat");

    public static MethodDescriptor NotBound { get; } = EchoService.FindMethodByName("NotBound");

    public static MethodDescriptor Ping { get; } = OtherService.FindMethodByName("Ping");
}
