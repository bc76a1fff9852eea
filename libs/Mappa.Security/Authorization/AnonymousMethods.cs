using Google.Protobuf.Reflection;

namespace Mappa.Security;

/// <summary>
/// The only services answered without a token: the standard health and reflection services, which expose no
/// personal data (the contracts are public). Kept here, in one named list, so widening it is a visible change.
/// </summary>
public static class AnonymousMethods
{
    public static IReadOnlySet<string> Services { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    };

    public static bool Contains(MethodDescriptor method) => Services.Contains(method.Service.FullName);
}
