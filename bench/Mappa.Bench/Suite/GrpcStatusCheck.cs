using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Mappa.Interop.V1;

namespace Mappa.Bench.Suite;

/// <summary>
/// h2load checks only the HTTP status, so before each measurement one call with the exact benchmark body
/// proves the server answers grpc-status 0 with the echoed message. Raw HTTP/2, independent of our layer.
/// </summary>
public static class GrpcStatusCheck
{
    public const string EchoPath = "/mappa.interop.v1.InteropTestService/Echo";

    private static readonly HttpClient Client = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Null when the call succeeded as expected, else what was wrong.</summary>
    public static async Task<string?> CheckAsync(int port)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{EchoPath}")
        {
            Content = new ByteArrayContent(EchoRequestBody.Framed()),
            // Plaintext HTTP/2 with prior knowledge, as gRPC clients and h2load speak it.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");

        try
        {
            using var response = await Client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            if (response.StatusCode != HttpStatusCode.OK || status != "0")
            {
                return $"HTTP {(int)response.StatusCode}, grpc-status {status ?? "(none)"}, " +
                       $"grpc-message {Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message")}";
            }
            if (body.Length < 5 || BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) != body.Length - 5)
            {
                return $"the response body is not one gRPC message ({body.Length} bytes)";
            }
            var echoed = EchoResponse.Parser.ParseFrom(body.AsSpan(5).ToArray());
            if (echoed.Payload != EchoRequestBody.Message.Payload || echoed.Text != EchoRequestBody.Message.Text)
            {
                return "the response does not echo the request";
            }
            return null;
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
