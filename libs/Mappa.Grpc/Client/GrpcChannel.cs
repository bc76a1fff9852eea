using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Client;

/// <summary>
/// A gRPC client over HTTP/2 to one server address. Thread-safe and meant to be long-lived (one per target
/// service): it owns a connection pool. Calls are typed by the same descriptors the server binds.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly ConcurrentDictionary<MethodDescriptor, Uri> _methodUris = new();

    public GrpcChannel(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        Options = options ?? new GrpcChannelOptions();
        var handler = Options.Handler ?? CreateDefaultHandler();
        // HttpMessageInvoker rather than HttpClient: no per-request timeout machinery, and the response comes back
        // as soon as its headers arrive (what HttpCompletionOption.ResponseHeadersRead does for HttpClient).
        Invoker = new HttpMessageInvoker(handler, disposeHandler: Options.Handler is null || Options.DisposeHandler);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    /// <summary>Calls a unary method; a non-OK status throws <see cref="RpcException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        using var call = StartCall<TRequest, TResponse>(method, request, options, serverStreaming: false);
        return await RunUnaryAsync<TResponse>(call).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="UnaryAsync{TRequest,TResponse}"/>, also returning the response headers and trailers.</summary>
    public async Task<GrpcCallResult<TResponse>> UnaryCallAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        using var call = StartCall<TRequest, TResponse>(method, request, options, serverStreaming: false);
        var response = await RunUnaryAsync<TResponse>(call).ConfigureAwait(false);
        return new GrpcCallResult<TResponse>(response, call.ResponseHeaders, call.Trailers);
    }

    /// <summary>
    /// Calls a server-streaming method. Messages arrive as they are sent; a non-OK status throws from the enumeration.
    /// Stopping the enumeration early cancels the call. Retries happen only before the first message.
    /// </summary>
    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options = null)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        // Validate now, not at the first MoveNextAsync, so a wrong descriptor fails where it is written.
        CheckMethod<TRequest, TResponse>(method, serverStreaming: true);
        var framed = MessageFraming.ToFramedArray(request, Options.MaxSendMessageSize);
        return StreamAsync<TResponse>(method, framed, options ?? new CallOptions());
    }

    public void Dispose() => Invoker.Dispose();

    internal Uri GetMethodUri(MethodDescriptor method) =>
        _methodUris.GetOrAdd(method, static (m, address) => new Uri(address, $"/{m.Service.FullName}/{m.Name}"), Address);

    private ClientCall StartCall<TRequest, TResponse>(MethodDescriptor method, TRequest request, CallOptions? options, bool serverStreaming)
        where TRequest : class, IMessage
    {
        CheckMethod<TRequest, TResponse>(method, serverStreaming);
        ArgumentNullException.ThrowIfNull(request);
        var framed = MessageFraming.ToFramedArray(request, Options.MaxSendMessageSize);
        return new ClientCall(this, method, framed, options ?? new CallOptions());
    }

    private async Task<TResponse> RunUnaryAsync<TResponse>(ClientCall call)
        where TResponse : class
    {
        var backoff = Options.RetryPolicy.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call.StartAttemptAsync().ConfigureAwait(false);
                return await call.ReadSingleResponseAsync<TResponse>().ConfigureAwait(false);
            }
            catch (RpcException failure) when (call.RetryDelay(failure, attempt, backoff) is { } delay)
            {
                await call.DelayBeforeRetryAsync(delay).ConfigureAwait(false);
                backoff = NextBackoff(backoff);
            }
        }
    }

    private async IAsyncEnumerable<TResponse> StreamAsync<TResponse>(
        MethodDescriptor method,
        byte[] framedRequest,
        CallOptions options,
        [EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
        where TResponse : class, IMessage
    {
        // WithCancellation(token) on the enumeration cancels the call just like CallOptions.CancellationToken.
        using var linked = enumeratorCancellation.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, enumeratorCancellation)
            : null;
        if (linked is not null)
        {
            options = new CallOptions { Headers = options.Headers, DeadlineUtc = options.DeadlineUtc, CancellationToken = linked.Token };
        }
        using var call = new ClientCall(this, method, framedRequest, options);
        var first = await StartStreamAsync(call).ConfigureAwait(false);
        if (first is null)
        {
            yield break;
        }
        yield return (TResponse)first;
        while (await call.ReadMessageAsync().ConfigureAwait(false) is { } message)
        {
            yield return (TResponse)message;
        }
    }

    private async Task<IMessage?> StartStreamAsync(ClientCall call)
    {
        var backoff = Options.RetryPolicy.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call.StartAttemptAsync().ConfigureAwait(false);
                return await call.ReadMessageAsync().ConfigureAwait(false);
            }
            catch (RpcException failure) when (call.RetryDelay(failure, attempt, backoff) is { } delay)
            {
                await call.DelayBeforeRetryAsync(delay).ConfigureAwait(false);
                backoff = NextBackoff(backoff);
            }
        }
    }

    private TimeSpan NextBackoff(TimeSpan backoff)
    {
        var policy = Options.RetryPolicy;
        var next = backoff * policy.BackoffMultiplier;
        return next < policy.MaxBackoff ? next : policy.MaxBackoff;
    }

    private static void CheckMethod<TRequest, TResponse>(MethodDescriptor method, bool serverStreaming)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.IsClientStreaming || method.IsServerStreaming != serverStreaming)
        {
            throw new ArgumentException(
                $"{method.FullName} is {(method.IsClientStreaming ? "client or bidirectional streaming" : method.IsServerStreaming ? "server streaming" : "unary")}; "
                + $"call it with the matching channel method.", nameof(method));
        }
        if (method.InputType.ClrType != typeof(TRequest))
        {
            throw new ArgumentException($"{method.FullName} takes {method.InputType.ClrType}, not {typeof(TRequest)}.", nameof(method));
        }
        if (method.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException($"{method.FullName} returns {method.OutputType.ClrType}, not {typeof(TResponse)}.", nameof(method));
        }
    }

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
