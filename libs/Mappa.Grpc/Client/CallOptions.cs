using Mappa.Grpc.Server;

namespace Mappa.Grpc.Client;

public sealed class CallOptions
{
    /// <summary>The header a call passes on so one request can be followed across services.</summary>
    public const string RequestIdHeader = "x-request-id";

    public Metadata? Headers { get; init; }

    /// <summary>When the call must be over; when null the channel's DefaultDeadline applies.</summary>
    public DateTime? DeadlineUtc { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Options for a call made while serving <paramref name="incoming"/>: same deadline and cancellation, and the
    /// x-request-id. Credentials are deliberately not forwarded: a service calls another with its own.
    /// </summary>
    public static CallOptions PropagateFrom(ServerCallContext incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        Metadata? headers = null;
        if (incoming.RequestHeaders.GetValue(RequestIdHeader) is { } requestId)
        {
            headers = new Metadata { { RequestIdHeader, requestId } };
        }
        return new CallOptions
        {
            Headers = headers,
            DeadlineUtc = incoming.DeadlineUtc,
            CancellationToken = incoming.CancellationToken,
        };
    }
}

/// <summary>A unary response with the metadata that came with it.</summary>
public sealed class GrpcCallResult<TResponse>(TResponse response, Metadata responseHeaders, Metadata trailers)
{
    public TResponse Response { get; } = response;

    public Metadata ResponseHeaders { get; } = responseHeaders;

    public Metadata Trailers { get; } = trailers;
}
