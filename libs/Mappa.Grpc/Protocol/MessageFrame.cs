using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Mappa.Grpc.Protocol;

internal enum FrameParseResult
{
    /// <summary>Not enough bytes yet for the prefix or the message.</summary>
    Incomplete,
    Complete,
    /// <summary>The prefix declares a message over the size limit (decided before buffering it).</summary>
    TooLarge,
    /// <summary>The compressed flag is neither 0 nor 1.</summary>
    InvalidFlag,
}

/// <summary>One length-prefixed message inside a buffer.</summary>
internal readonly record struct MessageFrame(bool Compressed, uint DeclaredLength, ReadOnlySequence<byte> Payload, SequencePosition End);

/// <summary>The 5-byte length-prefixed message framing, both directions.</summary>
internal static class MessageFraming
{
    /// <summary>Takes one message from the front of <paramref name="buffer"/> without copying it.</summary>
    public static FrameParseResult TryParse(in ReadOnlySequence<byte> buffer, int maxMessageSize, out MessageFrame frame)
    {
        frame = default;
        if (buffer.Length < GrpcProtocol.FrameHeaderSize)
        {
            return FrameParseResult.Incomplete;
        }
        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderSize];
        var first = buffer.FirstSpan;
        if (first.Length >= GrpcProtocol.FrameHeaderSize)
        {
            first[..GrpcProtocol.FrameHeaderSize].CopyTo(header);
        }
        else
        {
            buffer.Slice(0, GrpcProtocol.FrameHeaderSize).CopyTo(header);
        }
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1)
        {
            frame = new MessageFrame(false, length, default, buffer.Start);
            return FrameParseResult.InvalidFlag;
        }
        if (length > (uint)maxMessageSize)
        {
            frame = new MessageFrame(flag == 1, length, default, buffer.Start);
            return FrameParseResult.TooLarge;
        }
        if (buffer.Length - GrpcProtocol.FrameHeaderSize < length)
        {
            return FrameParseResult.Incomplete;
        }
        var payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
        frame = new MessageFrame(flag == 1, length, payload, payload.End);
        return FrameParseResult.Complete;
    }

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>Serializes one uncompressed message with its prefix straight into the writer.</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int maxMessageSize)
    {
        var size = message.CalculateSize();
        EnsureSendable(size, maxMessageSize);
        WriteMessageOfSize(writer, message, size);
    }

    /// <summary>Writes a message whose size the caller has already computed and checked.</summary>
    public static void WriteMessageOfSize(IBufferWriter<byte> writer, IMessage message, int size)
    {
        if (StreamOnlyMessages.Contains(message.Descriptor))
        {
            var serialized = message.ToByteArray();
            var target = writer.GetSpan(GrpcProtocol.FrameHeaderSize + serialized.Length);
            WriteHeader(target, false, serialized.Length);
            serialized.CopyTo(target[GrpcProtocol.FrameHeaderSize..]);
            writer.Advance(GrpcProtocol.FrameHeaderSize + serialized.Length);
            return;
        }
        // Small messages (nearly all) go into one contiguous span: one GetSpan, no segment hopping.
        if (size <= 16 * 1024)
        {
            var span = writer.GetSpan(GrpcProtocol.FrameHeaderSize + size);
            WriteHeader(span, false, size);
            message.WriteTo(span.Slice(GrpcProtocol.FrameHeaderSize, size));
            writer.Advance(GrpcProtocol.FrameHeaderSize + size);
            return;
        }
        var header = writer.GetSpan(GrpcProtocol.FrameHeaderSize);
        WriteHeader(header, false, size);
        writer.Advance(GrpcProtocol.FrameHeaderSize);
        message.WriteTo(writer);
    }

    /// <summary>One framed message in its own array (a client request body, reusable across retries).</summary>
    public static byte[] ToFramedArray(IMessage message, int maxMessageSize)
    {
        var size = message.CalculateSize();
        EnsureSendable(size, maxMessageSize);
        var bytes = new byte[GrpcProtocol.FrameHeaderSize + size];
        WriteHeader(bytes, false, size);
        if (StreamOnlyMessages.Contains(message.Descriptor))
        {
            message.ToByteArray().CopyTo(bytes, GrpcProtocol.FrameHeaderSize);
        }
        else
        {
            message.WriteTo(bytes.AsSpan(GrpcProtocol.FrameHeaderSize));
        }
        return bytes;
    }

    public static void EnsureSendable(int size, int maxMessageSize)
    {
        if (size > maxMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize} bytes).");
        }
    }
}
