namespace Mappa.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by handlers to answer with a status, and by the client when a
/// call fails. <see cref="Details"/> is the decoded grpc-status-details-bin (google.rpc.Status), if any.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail, Google.Rpc.Status? details = null, Metadata? trailers = null)
        : this(statusCode, detail, details, trailers, innerException: null)
    {
    }

    /// <summary>
    /// A status that stands for another exception (e.g. a domain error the gRPC layer mapped), so interceptors
    /// see the status and can still reach the original through <see cref="Exception.InnerException"/>.
    /// </summary>
    public RpcException(StatusCode statusCode, string detail, Google.Rpc.Status? details, Metadata? trailers, Exception? innerException)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")", innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        Details = details;
        Trailers = trailers ?? [];
    }

    public StatusCode StatusCode { get; }

    public string Detail { get; }

    public Google.Rpc.Status? Details { get; }

    public Metadata Trailers { get; }
}
