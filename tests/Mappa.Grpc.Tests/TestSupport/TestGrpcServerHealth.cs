using Google.Protobuf.Reflection;
using Grpc.Health.V1;

namespace Mappa.Grpc.Tests.TestSupport;

public static class TestGrpcServerHealth
{
    public static MethodDescriptor Check { get; } = HealthReflection.Descriptor.Services[0].FindMethodByName("Check");

    public static MethodDescriptor Watch { get; } = HealthReflection.Descriptor.Services[0].FindMethodByName("Watch");
}
