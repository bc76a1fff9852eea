using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Mappa.Grpc.Server.Calls;

/// <summary>
/// One gRPC call on the server: deadline, request reading, response writing and the final status.
/// Tracks "headers sent" itself because Response.HasStarted stays false until the first flush.
/// </summary>
internal sealed class ServerCall
{
    // HTTP/2 RST_STREAM CANCEL: tells the client to stop sending once the deadline has passed.
    private const int Http2CancelErrorCode = 0x8;

    // Timers longer than this are pointless and CancelAfter rejects very large values.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(30);

    private readonly CancellationTokenSource? _deadlineCts;
    private MessageReader? _reader;
    private int _writeInProgress;
    private bool _finished;

    private ServerCall(HttpContext http, MethodDescriptor method, GrpcServerRuntime runtime, DateTime? deadlineUtc, CancellationTokenSource? deadlineCts)
    {
        Http = http;
        Runtime = runtime;
        _deadlineCts = deadlineCts;
        var token = deadlineCts?.Token ?? http.RequestAborted;
        Context = new ServerCallContext(method, http, HeaderMetadata.FromRequestHeaders(http.Request.Headers), deadlineUtc, token)
        {
            Call = this,
        };
    }

    public HttpContext Http { get; }

    public GrpcServerRuntime Runtime { get; }

    public ServerCallContext Context { get; }

    /// <summary>Response headers have been committed (with the first message).</summary>
    public bool HeadersSent { get; private set; }

    public int MessagesWritten { get; private set; }

    /// <summary>The most recent status an exception was mapped to inside the pipeline.</summary>
    public RpcException? LastError { get; set; }

    public MessageReader Reader => _reader ??= new MessageReader(
        Http.Request.BodyReader,
        Runtime.Options.MaxReceiveMessageSize,
        Http.Request.Headers[GrpcProtocol.EncodingHeader].ToString(),
        "request",
        transportErrorsAreCancellation: true);

    /// <summary>True when our deadline timer (not the client going away) cancelled the call.</summary>
    public bool DeadlineFired => _deadlineCts is { IsCancellationRequested: true } && !Http.RequestAborted.IsCancellationRequested;

    /// <summary>Answers requests that are not gRPC at all; true if the call may proceed.</summary>
    public static bool TryAccept(HttpContext http)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = "POST";
            return false;
        }
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // The spec asks for 415 so that non-gRPC clients get a plain HTTP answer.
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            http.Response.Headers.Accept = GrpcProtocol.ContentType;
            return false;
        }
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            WriteTrailersOnly(http.Response, StatusCode.Internal, $"gRPC requires HTTP/2; the request used {request.Protocol}.");
            return false;
        }
        return true;
    }

    public static ServerCall Start(HttpContext http, MethodDescriptor method, GrpcServerRuntime runtime)
    {
        // Our own message-size limit governs; Kestrel's body limits would cut streams and large messages short.
        var bodySize = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            bodySize.MaxRequestBodySize = null;
        }
        if (method.IsClientStreaming && http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } dataRate)
        {
            // A client stream may sit idle between messages; that is not a slow-loris attack.
            dataRate.MinDataRate = null;
        }

        DateTime? deadlineUtc = null;
        CancellationTokenSource? deadlineCts = null;
        if (http.Request.Headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var timeoutHeader)
            && GrpcTimeout.TryParse(timeoutHeader.ToString(), out var timeout))
        {
            var now = DateTime.UtcNow;
            deadlineUtc = timeout < DateTime.MaxValue - now ? now + timeout : DateTime.MaxValue;
            if (timeout <= LongestTimer)
            {
                deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                deadlineCts.CancelAfter(timeout);
            }
        }

        var response = http.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        return new ServerCall(http, method, runtime, deadlineUtc, deadlineCts);
    }

    /// <summary>Frames one message into the response body without flushing (unary responses ride out with the trailers).</summary>
    public void WriteMessage(IMessage message)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The gRPC call has already finished; messages cannot be written after the handler returns.");
        }
        var size = message.CalculateSize();
        MessageFraming.EnsureSendable(size, Runtime.Options.MaxSendMessageSize);
        if (!HeadersSent)
        {
            HeaderMetadata.CopyTo(Context.ResponseHeaders, Http.Response.Headers);
            HeadersSent = true;
        }
        MessageFraming.WriteMessageOfSize(Http.Response.BodyWriter, message, size);
        MessagesWritten++;
    }

    /// <summary>Writes and flushes one message of a server stream.</summary>
    public async Task WriteStreamMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _writeInProgress, 1, 0) != 0)
        {
            throw new InvalidOperationException("A write is already in progress; await each WriteAsync before starting the next.");
        }
        try
        {
            Context.CancellationToken.ThrowIfCancellationRequested();
            WriteMessage(message);
            var token = cancellationToken.CanBeCanceled ? cancellationToken : Context.CancellationToken;
            var flush = await Http.Response.BodyWriter.FlushAsync(token).ConfigureAwait(false);
            if (flush.IsCanceled)
            {
                throw new OperationCanceledException(token);
            }
        }
        finally
        {
            Volatile.Write(ref _writeInProgress, 0);
        }
    }

    /// <summary>Sends the final status (trailers, or trailers-only when no message went out) and releases the call.</summary>
    public Task FinishAsync(RpcException? error)
    {
        _finished = true;
        var context = Context;
        if (error is null && context.OutcomeStatus is { } outcome && outcome != StatusCode.OK)
        {
            // An interceptor swallowed the exception but the call still failed.
            error = LastError ?? new RpcException(outcome, string.Empty);
        }
        var deadlineFired = DeadlineFired;
        if (deadlineFired && error is null or { StatusCode: StatusCode.OK or StatusCode.Cancelled })
        {
            error = new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        var code = error?.StatusCode ?? StatusCode.OK;
        context.OutcomeStatus = code;
        LogOutcome(code, deadlineFired);

        if (Http.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream or went away: nobody is left to read a status.
            _deadlineCts?.Dispose();
            return Task.CompletedTask;
        }
        try
        {
            WriteStatus(code, error);
            if (deadlineFired)
            {
                return CompleteAndResetAsync();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            ServerLog.StatusNotSent(Runtime.Logger, context.FullMethodName, ex);
        }
        _deadlineCts?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A status with no body, for requests refused before any handler ran.</summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode code, string message)
    {
        response.ContentType = GrpcProtocol.ContentType;
        var headers = response.Headers;
        headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        headers[GrpcProtocol.StatusHeader] = StatusDetails.ToHeaderValue(code);
        if (message.Length > 0)
        {
            headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(BoundedStatusMessage(message));
        }
    }

    /// <summary>
    /// Status text travels in an HTTP/2 header, and peers cap a response's headers (HttpClient 64 KB, grpcio 8 KB
    /// by default): a message that echoes a huge request value (e.g. a 1 MB id in "Subject '...' was not found")
    /// would make the client drop the connection instead of reading the status. Longer text is cut here.
    /// </summary>
    internal const int MaxStatusMessageLength = 512;

    /// <summary>The largest grpc-status-details-bin value sent; larger details are left out (the status and message still go).</summary>
    internal const int MaxStatusDetailsLength = 4096;

    internal static string BoundedStatusMessage(string message)
    {
        if (message.Length <= MaxStatusMessageLength)
        {
            return message;
        }
        var cut = char.IsHighSurrogate(message[MaxStatusMessageLength - 1]) ? MaxStatusMessageLength - 1 : MaxStatusMessageLength;
        return message[..cut] + "...";
    }

    private void WriteStatus(StatusCode code, RpcException? error)
    {
        var response = Http.Response;
        IHeaderDictionary target;
        if (!HeadersSent && !response.HasStarted)
        {
            // Trailers-only: custom response headers, status and trailers all travel in the one HEADERS frame.
            target = response.Headers;
            HeaderMetadata.CopyTo(Context.ResponseHeaders, target);
        }
        else
        {
            target = Http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers
                ?? throw new InvalidOperationException("The server does not support response trailers.");
        }
        target[GrpcProtocol.StatusHeader] = StatusDetails.ToHeaderValue(code);
        if (error is not null)
        {
            var detail = BoundedStatusMessage(error.Detail);
            if (detail.Length > 0)
            {
                target[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
            }
            if (error.Details is { } details
                && StatusDetails.Encode(code, detail, details) is { Length: <= MaxStatusDetailsLength } encodedDetails)
            {
                target[GrpcProtocol.StatusDetailsHeader] = encodedDetails;
            }
            if (error.Trailers.Count > 0)
            {
                HeaderMetadata.CopyTo(error.Trailers, target);
            }
        }
        if (Context.ResponseTrailers.Count > 0)
        {
            HeaderMetadata.CopyTo(Context.ResponseTrailers, target);
        }
    }

    private async Task CompleteAndResetAsync()
    {
        try
        {
            await Http.Response.CompleteAsync().ConfigureAwait(false);
            Http.Features.Get<IHttpResetFeature>()?.Reset(Http2CancelErrorCode);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            ServerLog.StatusNotSent(Runtime.Logger, Context.FullMethodName, ex);
        }
        finally
        {
            _deadlineCts?.Dispose();
        }
    }

    private void LogOutcome(StatusCode code, bool deadlineFired)
    {
        if (code == StatusCode.OK)
        {
            return;
        }
        var logger = Runtime.Logger;
        if (!logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            return;
        }
        if (deadlineFired)
        {
            ServerLog.DeadlineExceeded(logger, Context.FullMethodName);
        }
        else if (code == StatusCode.Cancelled && Http.RequestAborted.IsCancellationRequested)
        {
            ServerLog.CancelledByClient(logger, Context.FullMethodName);
        }
        else
        {
            ServerLog.CallFailed(logger, Context.FullMethodName, code);
        }
    }
}
