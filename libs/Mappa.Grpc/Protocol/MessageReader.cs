using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Mappa.Grpc.Protocol;

/// <summary>
/// Reads length-prefixed messages from a pipe (the server's request body, or the client's response body).
/// Protocol problems surface as <see cref="RpcException"/> with the status the gRPC spec asks for. Not thread-safe.
/// </summary>
internal sealed class MessageReader(PipeReader reader, int maxMessageSize, string? encoding, string direction)
{
    // True once the pipe has reported completion with nothing left over, so unary calls can skip an extra read.
    private bool _endSeen;

    /// <summary>The next message, or null when the stream ended cleanly between messages.</summary>
    public async ValueTask<IMessage?> ReadAsync(MessageParser parser, CancellationToken cancellationToken)
    {
        if (_endSeen)
        {
            return null;
        }
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                switch (MessageFraming.TryParse(buffer, maxMessageSize, out var frame))
                {
                    case FrameParseResult.Complete:
                        var message = Parse(parser, frame);
                        consumed = frame.End;
                        _endSeen = result.IsCompleted && buffer.Slice(frame.End).IsEmpty;
                        return message;
                    case FrameParseResult.TooLarge:
                        throw new RpcException(
                            StatusCode.ResourceExhausted,
                            $"Received {direction} message exceeds the maximum configured message size ({frame.DeclaredLength} > {maxMessageSize} bytes).");
                    case FrameParseResult.InvalidFlag:
                        throw new RpcException(StatusCode.Internal, $"Invalid compressed flag in a {direction} message frame.");
                    default:
                        if (result.IsCompleted)
                        {
                            if (buffer.IsEmpty)
                            {
                                _endSeen = true;
                                return null;
                            }
                            throw new RpcException(StatusCode.Internal, $"Incomplete {direction} message: the stream ended inside a message frame.");
                        }
                        if (result.IsCanceled)
                        {
                            throw new OperationCanceledException(cancellationToken);
                        }
                        break;
                }
            }
            finally
            {
                // Examine everything so the next ReadAsync waits for more data instead of spinning.
                reader.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    /// <summary>Reads exactly one message and the end of the stream (unary and server-streaming requests, unary responses).</summary>
    public async ValueTask<IMessage> ReadSingleAsync(MessageParser parser, CancellationToken cancellationToken)
    {
        var message = await ReadAsync(parser, cancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Unimplemented, $"Expected one {direction} message but the stream ended with none.");
        if (!_endSeen && !await IsAtEndAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(StatusCode.Unimplemented, $"Expected one {direction} message but received more.");
        }
        return message;
    }

    /// <summary>True if nothing but the end of the stream follows (consumes nothing when data follows).</summary>
    public async ValueTask<bool> IsAtEndAsync(CancellationToken cancellationToken)
    {
        if (_endSeen)
        {
            return true;
        }
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (!buffer.IsEmpty)
            {
                return false;
            }
            if (result.IsCompleted)
            {
                _endSeen = true;
                return true;
            }
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    private IMessage Parse(MessageParser parser, in MessageFrame frame)
    {
        try
        {
            if (frame.Compressed)
            {
                return parser.ParseFrom(MessageCompression.Decompress(encoding, frame.Payload, maxMessageSize));
            }
            return parser.ParseFrom(frame.Payload);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidOperationException or ArgumentException)
        {
            // Never echo the bytes or parser detail: they may carry personal data.
            throw new RpcException(StatusCode.Internal, $"The {direction} message is not a valid protobuf encoding of the expected type.");
        }
    }
}
