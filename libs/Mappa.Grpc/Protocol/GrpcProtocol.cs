namespace Mappa.Grpc.Protocol;

/// <summary>Names and values fixed by the gRPC over HTTP/2 protocol (grpc/doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string RetryPushbackHeader = "grpc-retry-pushback-ms";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>What this layer can decompress; sent on every response and request.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>Length-prefixed message: 1 byte compressed flag + 4 bytes big-endian length.</summary>
    public const int FrameHeaderSize = 5;

    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>application/grpc, optionally followed by "+proto" style suffix or parameters (not grpc-web).</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (contentType.Length == ContentType.Length)
        {
            return true;
        }
        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>
    /// Headers that belong to the transport or to gRPC itself and so are never custom metadata.
    /// HTTP/2 pseudo-headers never reach here (Kestrel and HttpClient keep them apart).
    /// </summary>
    public static bool IsReservedHeader(string name)
    {
        if (name.Length == 0 || name[0] == ':')
        {
            return true;
        }
        if (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
            || name.Equals("te", StringComparison.OrdinalIgnoreCase)
            || name.Equals("host", StringComparison.OrdinalIgnoreCase)
            || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
            || name.Equals("connection", StringComparison.OrdinalIgnoreCase)
            || name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
            || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("upgrade", StringComparison.OrdinalIgnoreCase)
            || name.Equals("accept-encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("date", StringComparison.OrdinalIgnoreCase)
            || name.Equals("server", StringComparison.OrdinalIgnoreCase);
    }
}
