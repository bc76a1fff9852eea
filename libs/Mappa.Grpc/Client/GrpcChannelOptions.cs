using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Client;

public sealed class GrpcChannelOptions
{
    /// <summary>Deadline for calls that set none (a call without a deadline can hang forever). InfiniteTimeSpan disables it.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response message accepted (after decompression); larger ones fail with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest request message sent; a larger one fails locally with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Retries of calls that fail with UNAVAILABLE; never past the call's deadline.</summary>
    public RetryPolicy RetryPolicy { get; set; } = RetryPolicy.Default;

    /// <summary>
    /// The HTTP handler to send through (TLS settings, client certificates, test doubles). When null the channel
    /// creates a SocketsHttpHandler set up for gRPC and disposes it with the channel.
    /// </summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Whether disposing the channel also disposes <see cref="Handler"/> when one was given.</summary>
    public bool DisposeHandler { get; set; }

    /// <summary>Supplies a bearer token per call (sent as "authorization: Bearer ..."); null or empty sends none.</summary>
    public Func<CancellationToken, ValueTask<string?>>? BearerTokenProvider { get; set; }

    public string UserAgent { get; set; } = "mappa-grpc-dotnet/1.0";
}

/// <summary>
/// Retry with exponential backoff for UNAVAILABLE only (the one status that says the call did not run).
/// Each delay is the current backoff scaled by a random factor between 0.8 and 1.2; the server may override
/// it with grpc-retry-pushback-ms (a negative or malformed value means "do not retry").
/// </summary>
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    public static RetryPolicy None { get; } = new() { MaxAttempts = 1 };

    /// <summary>Total attempts including the first.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public double BackoffMultiplier { get; init; } = 2;

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}
