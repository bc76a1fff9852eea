using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Grpc.Client;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>
/// The client side of a load balancer over a service's instances: each call goes to the next instance in turn, and
/// a call that fails UNAVAILABLE (instance down, connection lost, dependency restarting) is retried on the next
/// instance, with the same request (so the same request id: the service answers a repeat with the first result),
/// until it succeeds, fails otherwise, or <see cref="GiveUpAfter"/> passes. Every status seen is counted.
/// </summary>
public sealed class RoundRobin(IReadOnlyList<ServiceProcess> instances, string token) : IDisposable
{
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();
    private int _next = -1;

    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Statuses the callers saw, attempt by attempt (OK included).</summary>
    public ConcurrentDictionary<StatusCode, int> Seen { get; } = new();

    /// <summary>Calls answered by each instance.</summary>
    public ConcurrentDictionary<string, int> AnsweredBy { get; } = new();

    public async Task<TResponse> CallAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var deadline = DateTime.UtcNow + GiveUpAfter;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var instance = instances[(int)((uint)Interlocked.Increment(ref _next) % (uint)instances.Count)];
            try
            {
                var response = await Channel(instance).UnaryAsync<TRequest, TResponse>(method, request);
                Seen.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                AnsweredBy.AddOrUpdate(instance.Name, 1, (_, n) => n + 1);
                return response;
            }
            catch (RpcException failure)
            {
                Seen.AddOrUpdate(failure.StatusCode, 1, (_, n) => n + 1);
                if (failure.StatusCode != StatusCode.Unavailable || DateTime.UtcNow > deadline) throw;
            }
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary>Statuses other than OK and UNAVAILABLE (which a balancer retries), as text for an assertion message.</summary>
    public string Describe() => string.Join(", ", Seen.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"));

    private GrpcChannel Channel(ServiceProcess instance) => _channels.GetOrAdd(instance.GrpcAddress, address => new GrpcChannel(address, new GrpcChannelOptions
    {
        BearerTokenProvider = _ => ValueTask.FromResult<string?>(token),
        RetryPolicy = RetryPolicy.None,
        DefaultDeadline = TimeSpan.FromSeconds(20),
    }));

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}
