using Google.Protobuf.Reflection;

namespace Mappa.Grpc.Server;

/// <summary>
/// What the server has mapped: every service (including health and reflection when mapped) and every method
/// that has a handler. Health, reflection and start-up checks read it; it is filled while endpoints are mapped.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly Lock _gate = new();
    private ServiceDescriptor[] _services = [];
    private MethodDescriptor[] _boundMethods = [];
    private HashSet<string> _serviceNames = new(StringComparer.Ordinal);

    public IReadOnlyList<ServiceDescriptor> Services => Volatile.Read(ref _services);

    public IReadOnlyList<MethodDescriptor> BoundMethods => Volatile.Read(ref _boundMethods);

    /// <summary>True if a service with this full name (e.g. "grpc.health.v1.Health") is mapped.</summary>
    public bool ContainsService(string fullName) => Volatile.Read(ref _serviceNames).Contains(fullName);

    internal void Add(ServiceDescriptor service, IEnumerable<MethodDescriptor> boundMethods)
    {
        lock (_gate)
        {
            if (_serviceNames.Contains(service.FullName))
            {
                throw new InvalidOperationException($"The gRPC service '{service.FullName}' is mapped twice.");
            }
            // Copy-on-write: readers on request threads never take the lock.
            var names = new HashSet<string>(_serviceNames, StringComparer.Ordinal) { service.FullName };
            Volatile.Write(ref _services, [.. _services, service]);
            Volatile.Write(ref _boundMethods, [.. _boundMethods, .. boundMethods]);
            Volatile.Write(ref _serviceNames, names);
        }
    }
}
