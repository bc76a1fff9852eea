using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Mappa.Grpc.Protocol;

/// <summary>
/// Reads length-prefixed messages from a pipe (the server's request body, or the client's response body).
/// Protocol problems surface as <see cref="RpcException"/> with the status the gRPC spec asks for. Not thread-safe.
/// </summary>
internal sealed class MessageReader(PipeReader reader, int maxMessageSize, string? encoding, string direction, bool transportErrorsAreCancellation = false)
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
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (transportErrorsAreCancellation && ex is not OperationCanceledException)
            {
                throw ClientWentAway(ex);
            }
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            // Only an incomplete frame marks the whole buffer examined (so the next read waits for more bytes);
            // after a complete message, whatever follows must stay visible to the next read without new data.
            var examined = buffer.End;
            try
            {
                switch (MessageFraming.TryParse(buffer, maxMessageSize, out var frame))
                {
                    case FrameParseResult.Complete:
                        var message = Parse(parser, frame);
                        consumed = frame.End;
                        examined = frame.End;
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
                reader.AdvanceTo(consumed, examined);
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
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (transportErrorsAreCancellation && ex is not OperationCanceledException)
            {
                throw ClientWentAway(ex);
            }
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                reader.AdvanceTo(buffer.Start);
                return false;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
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

    // On the server, Kestrel fails the body read (IOException "The client reset the request stream", or a connection
    // abort) before RequestAborted fires: the client went away, which is not a server fault.
    private RpcException ClientWentAway(Exception exception) =>
        new(StatusCode.Cancelled, $"The client reset or abandoned the {direction} stream.", null, null, exception);

    private IMessage Parse(MessageParser parser, in MessageFrame frame)
    {
        try
        {
            if (frame.Compressed)
            {
                return parser.ParseFrom(MessageCompression.Decompress(encoding, frame.Payload, maxMessageSize));
            }
            return StreamOnlyMessages.Parse(parser, frame.Payload);
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
