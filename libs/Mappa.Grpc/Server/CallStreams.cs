namespace Mappa.Grpc.Server;

/// <summary>Writes response messages of a streaming call, one at a time, each flushed to the client.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message. Throws if another write is in progress or the call has ended.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>Reads the request messages of a client or bidirectional stream.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false once the client has finished sending.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}

public static class AsyncStreamReaderExtensions
{
    /// <summary>The remaining messages as an async sequence.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
