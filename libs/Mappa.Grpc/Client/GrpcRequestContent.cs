using System.Net;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Client;

/// <summary>A request body that is one already-framed message, so a retry can send it again unchanged.</summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private readonly byte[] _framedMessage;

    public GrpcRequestContent(byte[] framedMessage)
    {
        _framedMessage = framedMessage;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_framedMessage).AsTask();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_framedMessage, cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(_framedMessage);

    protected override bool TryComputeLength(out long length)
    {
        length = _framedMessage.Length;
        return true;
    }
}
