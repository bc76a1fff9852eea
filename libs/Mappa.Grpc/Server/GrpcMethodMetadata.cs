using Google.Protobuf.Reflection;

namespace Mappa.Grpc.Server;

/// <summary>Endpoint metadata on every gRPC route, so middleware can tell which RPC an endpoint serves.</summary>
public sealed class GrpcMethodMetadata(MethodDescriptor method)
{
    public MethodDescriptor Method { get; } = method;
}
