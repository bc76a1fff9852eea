using System.Buffers;
using System.IO.Compression;

namespace Mappa.Grpc.Protocol;

/// <summary>Per-message decompression for the encodings this layer accepts (identity, gzip).</summary>
internal static class MessageCompression
{
    public static bool IsSupported(string encoding) =>
        encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase)
        || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Decompresses a compressed-flagged message. The limit applies to the decompressed size too, so a small
    /// compressed bomb cannot make us buffer gigabytes.
    /// </summary>
    public static byte[] Decompress(string? encoding, in ReadOnlySequence<byte> payload, int maxMessageSize)
    {
        if (string.IsNullOrEmpty(encoding) || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Internal, "A message is flagged as compressed but grpc-encoding names no compression.");
        }
        if (!encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(
                StatusCode.Unimplemented,
                $"Message compression '{encoding}' is not supported; supported: {GrpcProtocol.SupportedEncodings}.");
        }
        // GZipStream reads a truncated stream without complaint, so check the gzip framing ourselves: the smallest
        // member is 18 bytes and its last 4 bytes hold the uncompressed length (mod 2^32).
        const int MinimumGzipLength = 18;
        if (payload.Length < MinimumGzipLength)
        {
            throw new RpcException(StatusCode.Internal, "A gzip-compressed message is too short to be valid.");
        }
        Span<byte> trailer = stackalloc byte[4];
        payload.Slice(payload.Length - 4).CopyTo(trailer);
        var declaredLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        try
        {
            using var input = new MemoryStream(payload.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = gzip.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (output.Length + read > maxMessageSize)
                    {
                        throw new RpcException(
                            StatusCode.ResourceExhausted,
                            $"Decompressed message exceeds the maximum configured message size ({maxMessageSize} bytes).");
                    }
                    output.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            if ((uint)output.Length != declaredLength)
            {
                throw new RpcException(StatusCode.Internal, "A gzip-compressed message is truncated or corrupt.");
            }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new RpcException(StatusCode.Internal, "A gzip-compressed message could not be decompressed.");
        }
    }

    public static byte[] Compress(ReadOnlySpan<byte> message)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(message);
        }
        return output.ToArray();
    }
}
