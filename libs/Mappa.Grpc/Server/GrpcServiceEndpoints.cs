using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;

namespace Mappa.Grpc.Server;

/// <summary>The endpoints of one mapped service (one per contract method); conventions apply to all of them.</summary>
public sealed class GrpcServiceEndpoints : IEndpointConventionBuilder
{
    private readonly IReadOnlyDictionary<string, IEndpointConventionBuilder> _methods;

    internal GrpcServiceEndpoints(ServiceDescriptor service, IReadOnlyDictionary<string, IEndpointConventionBuilder> methods)
    {
        Service = service;
        _methods = methods;
    }

    public ServiceDescriptor Service { get; }

    /// <summary>The endpoint of one method, for conventions that apply to it alone.</summary>
    public IEndpointConventionBuilder Method(string methodName) =>
        _methods.TryGetValue(methodName, out var builder)
            ? builder
            : throw new ArgumentException($"Service {Service.FullName} has no method '{methodName}'.", nameof(methodName));

    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in _methods.Values)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in _methods.Values)
        {
            builder.Finally(finallyConvention);
        }
    }
}

/// <summary>Several endpoint groups treated as one (e.g. both reflection versions).</summary>
internal sealed class CompositeEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
        {
            builder.Add(convention);
        }
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
