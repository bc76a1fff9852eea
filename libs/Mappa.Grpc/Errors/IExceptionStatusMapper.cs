using Mappa.Grpc.Server;

namespace Mappa.Grpc;

/// <summary>
/// Lets other parts of the suite turn their own exceptions into statuses (e.g. a database being unreachable
/// into UNAVAILABLE). Register implementations in DI (any lifetime); they are consulted, in registration order,
/// before the built-in domain mapping. Return null to pass.
/// </summary>
public interface IExceptionStatusMapper
{
    RpcException? TryMap(Exception exception, ServerCallContext context);
}
