using System.Buffers.Binary;
using Google.Protobuf;
using Mappa.Interop.V1;

namespace Mappa.Bench.Suite;

/// <summary>The one gRPC-framed request body every server is loaded with (h2load -d).</summary>
public static class EchoRequestBody
{
    public static EchoRequest Message { get; } = new()
    {
        Payload = ByteString.CopyFromUtf8("0123456789abcdef0123456789abcdef"),
        Text = "mappa-bench",
    };

    /// <summary>Uncompressed flag, 4-byte big-endian length, then the message (the gRPC length prefix).</summary>
    public static byte[] Framed()
    {
        var message = Message.ToByteArray();
        var framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }
}
