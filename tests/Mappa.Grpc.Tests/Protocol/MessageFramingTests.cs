using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Mappa.Grpc.Protocol;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.Protocol;

public sealed class MessageFramingTests
{
    private static readonly EchoRequest Sample = new() { Text = "risk review", Payload = ByteString.CopyFromUtf8("abc"), Repeat = 3 };

    [Fact]
    public void Written_frame_has_the_flag_and_big_endian_length_before_the_message()
    {
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, Sample, maxMessageSize: 1024);

        var bytes = writer.WrittenSpan.ToArray();
        var size = Sample.CalculateSize();
        Assert.Equal(new byte[] { 0, 0, 0, 0, (byte)size }, bytes[..5]);
        Assert.Equal(Sample, EchoRequest.Parser.ParseFrom(bytes.AsSpan(5)));
    }

    [Fact]
    public void Large_message_is_written_across_buffer_segments_intact()
    {
        var large = new EchoRequest { Payload = EchoHandlers.Bytes(100_000, 0x11) };
        var writer = new ArrayBufferWriter<byte>();

        MessageFraming.WriteMessage(writer, large, maxMessageSize: 1_000_000);

        Assert.Equal(FrameParseResult.Complete, MessageFraming.TryParse(new ReadOnlySequence<byte>(writer.WrittenMemory), 1_000_000, out var frame));
        Assert.Equal(large, EchoRequest.Parser.ParseFrom(frame.Payload));
    }

    [Fact]
    public void Frame_split_across_many_segments_parses_to_the_same_message()
    {
        var bytes = RawGrpc.Frame(Sample);
        // One byte per segment: the prefix itself is split too.
        var sequence = Segments(bytes.Select(b => new[] { b }).ToArray());

        var result = MessageFraming.TryParse(sequence, 1024, out var frame);

        Assert.Equal(FrameParseResult.Complete, result);
        Assert.Equal(Sample, EchoRequest.Parser.ParseFrom(frame.Payload));
        Assert.Equal(sequence.End, frame.End);
    }

    [Fact]
    public void Prefix_declaring_more_than_the_limit_is_refused_before_the_message_arrives()
    {
        var prefixOnly = RawGrpc.Frame([], declaredLength: 5_000_000);

        var result = MessageFraming.TryParse(new ReadOnlySequence<byte>(prefixOnly), 4_194_304, out var frame);

        Assert.Equal(FrameParseResult.TooLarge, result);
        Assert.Equal(5_000_000u, frame.DeclaredLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    public void Truncated_frame_is_incomplete(int keptBytes)
    {
        var bytes = RawGrpc.Frame(Sample)[..keptBytes];

        Assert.Equal(FrameParseResult.Incomplete, MessageFraming.TryParse(new ReadOnlySequence<byte>(bytes), 1024, out _));
    }

    [Fact]
    public void Compressed_flag_other_than_zero_or_one_is_invalid()
    {
        var bytes = RawGrpc.Frame(Sample);
        bytes[0] = 2;

        Assert.Equal(FrameParseResult.InvalidFlag, MessageFraming.TryParse(new ReadOnlySequence<byte>(bytes), 1024, out _));
    }

    [Fact]
    public async Task Reader_returns_each_message_then_null_at_a_clean_end()
    {
        var reader = await ReaderOverAsync([.. RawGrpc.Frame(Sample), .. RawGrpc.Frame(new EchoRequest { Text = "second" })]);

        var first = await reader.ReadAsync(EchoRequest.Parser, default);
        var second = await reader.ReadAsync(EchoRequest.Parser, default);
        var end = await reader.ReadAsync(EchoRequest.Parser, default);

        Assert.Equal(Sample, first);
        Assert.Equal("second", ((EchoRequest)second!).Text);
        Assert.Null(end);
    }

    [Fact]
    public async Task Message_already_buffered_behind_another_is_returned_without_waiting_for_more_bytes()
    {
        var pipe = new Pipe();
        var reader = new MessageReader(pipe.Reader, 1024, null, "response");
        // Both messages arrive in one read and the stream stays open (as in a live server stream).
        byte[] both = [.. RawGrpc.Frame(new EchoRequest { Text = "first" }), .. RawGrpc.Frame(new EchoRequest { Text = "second" })];
        await pipe.Writer.WriteAsync(both);

        var first = await reader.ReadAsync(EchoRequest.Parser, default);
        var second = reader.ReadAsync(EchoRequest.Parser, default);

        Assert.Equal("first", ((EchoRequest)first!).Text);
        Assert.True(second.IsCompleted, "the second message was already buffered but the read waited for more bytes");
        Assert.Equal("second", ((EchoRequest)(await second)!).Text);
    }

    [Fact]
    public async Task Reader_assembles_a_message_written_in_small_pieces()
    {
        var pipe = new Pipe();
        var reader = new MessageReader(pipe.Reader, 1024, null, "request");
        var bytes = RawGrpc.Frame(Sample);

        var reading = reader.ReadAsync(EchoRequest.Parser, default).AsTask();
        foreach (var chunk in bytes.Chunk(3))
        {
            await pipe.Writer.WriteAsync(chunk);
        }
        await pipe.Writer.CompleteAsync();

        Assert.Equal(Sample, await reading);
    }

    [Fact]
    public async Task Stream_ending_inside_a_frame_is_internal()
    {
        var reader = await ReaderOverAsync(RawGrpc.Frame(Sample)[..8]);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Oversized_message_is_resource_exhausted()
    {
        var reader = await ReaderOverAsync(RawGrpc.Frame(new EchoRequest { Payload = EchoHandlers.Bytes(2000) }), maxMessageSize: 1000);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Garbage_protobuf_is_internal_without_echoing_the_bytes()
    {
        // Field 1 declared as a 100-byte string with only 3 bytes present.
        var reader = await ReaderOverAsync(RawGrpc.Frame([0x0A, 100, 0x41, 0x42, 0x43]));

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("ABC", error.Detail);
    }

    [Fact]
    public async Task Gzip_compressed_message_is_decompressed()
    {
        var compressed = MessageCompression.Compress(Sample.ToByteArray());
        var reader = await ReaderOverAsync(RawGrpc.Frame(compressed, compressedFlag: true), encoding: "gzip");

        Assert.Equal(Sample, await reader.ReadAsync(EchoRequest.Parser, default));
    }

    [Fact]
    public async Task Compressed_message_with_an_unsupported_encoding_is_unimplemented()
    {
        var reader = await ReaderOverAsync(RawGrpc.Frame([1, 2, 3], compressedFlag: true), encoding: "snappy");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task Compressed_flag_without_a_compression_encoding_is_internal(string? encoding)
    {
        var reader = await ReaderOverAsync(RawGrpc.Frame(Sample.ToByteArray(), compressedFlag: true), encoding: encoding);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Compressed_message_that_expands_past_the_limit_is_resource_exhausted()
    {
        // 1 MB of zeros compresses to about 1 KB: the limit must apply after decompression.
        var bomb = MessageCompression.Compress(new EchoRequest { Payload = EchoHandlers.Bytes(1_000_000, 0) }.ToByteArray());
        var reader = await ReaderOverAsync(RawGrpc.Frame(bomb, compressedFlag: true), encoding: "gzip", maxMessageSize: 64 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    public static TheoryData<string> CorruptGzip => ["short", "truncated", "flipped"];

    [Theory]
    [MemberData(nameof(CorruptGzip))]
    public async Task Corrupt_gzip_is_internal(string damage)
    {
        var good = MessageCompression.Compress(new EchoRequest { Text = new string('x', 500), Repeat = 7 }.ToByteArray());
        var bad = damage switch
        {
            "short" => good[..10],
            "truncated" => good[..^6],
            _ => good.Select((b, i) => i == 12 ? (byte)(b ^ 0xFF) : b).ToArray(),
        };
        var reader = await ReaderOverAsync(RawGrpc.Frame(bad, compressedFlag: true), encoding: "gzip");

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Single_message_read_with_no_message_is_a_cardinality_violation()
    {
        var reader = await ReaderOverAsync([]);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadSingleAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Single_message_read_with_two_messages_is_a_cardinality_violation()
    {
        var reader = await ReaderOverAsync([.. RawGrpc.Frame(Sample), .. RawGrpc.Frame(Sample)]);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadSingleAsync(EchoRequest.Parser, default).AsTask());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Single_message_read_waits_for_the_end_of_the_stream()
    {
        var pipe = new Pipe();
        var reader = new MessageReader(pipe.Reader, 1024, null, "request");
        await pipe.Writer.WriteAsync(RawGrpc.Frame(Sample));

        var reading = reader.ReadSingleAsync(EchoRequest.Parser, default).AsTask();
        await pipe.Writer.CompleteAsync();

        Assert.Equal(Sample, await reading);
    }

    private static async Task<MessageReader> ReaderOverAsync(byte[] bytes, string? encoding = null, int maxMessageSize = 1024 * 1024)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        return new MessageReader(pipe.Reader, maxMessageSize, encoding, "request");
    }

    private static ReadOnlySequence<byte> Segments(byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
