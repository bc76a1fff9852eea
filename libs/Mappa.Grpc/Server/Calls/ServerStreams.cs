using Google.Protobuf;

namespace Mappa.Grpc.Server.Calls;

internal sealed class ServerStreamWriter<T>(ServerCall call) : IServerStreamWriter<T>
    where T : class, IMessage
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteStreamMessageAsync(message, cancellationToken);
    }
}

internal sealed class ServerStreamReader<T>(ServerCall call, MessageParser parser) : IAsyncStreamReader<T>
    where T : class, IMessage
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("Call MoveNext and check it returned true before reading Current.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : call.Context.CancellationToken;
        var message = await call.Reader.ReadAsync(parser, token).ConfigureAwait(false);
        _current = (T?)message;
        return message is not null;
    }
}
