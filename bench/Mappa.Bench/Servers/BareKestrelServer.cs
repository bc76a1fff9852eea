using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mappa.Bench.Servers;

/// <summary>
/// The ceiling: plain Kestrel HTTP/2 that echoes the request bytes with a hard-coded grpc-status trailer.
/// A framed EchoRequest without fail_with is also a valid framed EchoResponse, so real clients accept it.
/// No gRPC parsing, no protobuf, no routing: whatever our layer adds shows up as the gap to this.
/// </summary>
public static class BareKestrelServer
{
    public static WebApplication Build(int port)
    {
        var app = BenchHost.CreateBuilder(port).Build();
        app.Run(EchoAsync);
        return app;
    }

    private static async Task EchoAsync(HttpContext context)
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

        context.Response.ContentType = "application/grpc";
        foreach (var segment in read.Buffer)
        {
            await context.Response.BodyWriter.WriteAsync(segment, context.RequestAborted);
        }
        reader.AdvanceTo(read.Buffer.End);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
