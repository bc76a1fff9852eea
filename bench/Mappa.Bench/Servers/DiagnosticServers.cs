using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Mappa.Bench.Suite;
using Mappa.Interop.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mappa.Bench.Servers;

/// <summary>
/// Steps between bare Kestrel and our layer, to attribute the gap (`--only ours,bare,routed,protobuf`):
/// <c>routed</c> adds endpoint routing to the bare echo; <c>protobuf</c> also parses the EchoRequest and
/// writes a serialized EchoResponse, i.e. a minimal hand-written gRPC unary method. What is left between
/// <c>protobuf</c> and our layer is the layer itself (call context, metadata, deadline, DI, pipeline).
/// </summary>
public static class DiagnosticServers
{
    public static WebApplication BuildRouted(int port)
    {
        var app = BenchHost.CreateBuilder(port).Build();
        app.MapPost(GrpcStatusCheck.EchoPath, EchoBytesAsync);
        return app;
    }

    public static WebApplication BuildProtobuf(int port)
    {
        var app = BenchHost.CreateBuilder(port).Build();
        app.MapPost(GrpcStatusCheck.EchoPath, EchoMessageAsync);
        return app;
    }

    private static async Task EchoBytesAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        context.Response.ContentType = "application/grpc";
        await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task EchoMessageAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var request = EchoRequest.Parser.ParseFrom(body.AsSpan(5));
        var response = new EchoResponse { Payload = request.Payload, Text = request.Text };

        context.Response.ContentType = "application/grpc";
        var size = response.CalculateSize();
        var writer = context.Response.BodyWriter;
        var frame = writer.GetSpan(5 + size);
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], (uint)size);
        response.WriteTo(frame.Slice(5, size));
        writer.Advance(5 + size);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted);
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        var body = read.Buffer.ToArray();
        reader.AdvanceTo(read.Buffer.End);
        return body;
    }
}
