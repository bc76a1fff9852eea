using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;
using Mappa.Grpc.Server;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Mappa.Grpc.Reflection;

/// <summary>
/// gRPC server reflection (grpc.reflection.v1 and v1alpha) over the services this server has mapped. Each file
/// answer carries the requested file and those of its transitive dependencies not yet sent on this stream, so a
/// client (grpcurl, Postman, grpcio) can build a complete descriptor pool from one round trip.
/// </summary>
internal sealed class GrpcReflectionService(GrpcServiceRegistry registry)
{
    private DescriptorIndex? _index;
    private int _indexedServiceCount = -1;

    public async Task ServerReflectionInfoAsync(
        IAsyncStreamReader<ServerReflectionRequest> requests,
        IServerStreamWriter<ServerReflectionResponse> responses,
        ServerCallContext context)
    {
        var sentFiles = new HashSet<string>(StringComparer.Ordinal);
        while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var response = Answer(requests.Current, sentFiles);
            await responses.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>v1alpha is wire-identical to v1 (same messages and field numbers), so it is served by re-reading the bytes.</summary>
    public Task ServerReflectionInfoV1AlphaAsync(
        IAsyncStreamReader<V1Alpha.ServerReflectionRequest> requests,
        IServerStreamWriter<V1Alpha.ServerReflectionResponse> responses,
        ServerCallContext context) =>
        ServerReflectionInfoAsync(
            new ConvertingReader<V1Alpha.ServerReflectionRequest, ServerReflectionRequest>(requests, ServerReflectionRequest.Parser),
            new ConvertingWriter<ServerReflectionResponse, V1Alpha.ServerReflectionResponse>(responses, V1Alpha.ServerReflectionResponse.Parser),
            context);

    internal ServerReflectionResponse Answer(ServerReflectionRequest request, HashSet<string> sentFiles)
    {
        var index = GetIndex();
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                foreach (var name in index.ServiceNames)
                {
                    list.Service.Add(new ServiceResponse { Name = name });
                }
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, index.FindFile(request.FileByFilename), sentFiles, $"File not found: {request.FileByFilename}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, index.FindFileContainingSymbol(request.FileContainingSymbol), sentFiles, $"Symbol not found: {request.FileContainingSymbol}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(
                    response,
                    index.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    sentFiles,
                    $"Extension not found: {extension.ContainingType} {extension.ExtensionNumber}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var numbers = index.FindExtensionNumbers(request.AllExtensionNumbersOfType);
                if (numbers is null)
                {
                    response.ErrorResponse = NotFound($"Type not found: {request.AllExtensionNumbersOfType}");
                }
                else
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse
                    {
                        BaseTypeName = request.AllExtensionNumbersOfType.TrimStart('.'),
                        ExtensionNumber = { numbers },
                    };
                }
                break;
            default:
                response.ErrorResponse = new ErrorResponse { ErrorCode = (int)StatusCode.InvalidArgument, ErrorMessage = "The reflection request names no known request kind." };
                break;
        }
        return response;
    }

    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, HashSet<string> sentFiles, string notFoundMessage)
    {
        if (file is null)
        {
            response.ErrorResponse = NotFound(notFoundMessage);
            return;
        }
        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.Add(file.SerializedData);
        sentFiles.Add(file.Name);
        AddDependencies(file, files, sentFiles);
        response.FileDescriptorResponse = files;
    }

    private static void AddDependencies(FileDescriptor file, FileDescriptorResponse files, HashSet<string> sentFiles)
    {
        foreach (var dependency in file.Dependencies)
        {
            if (sentFiles.Add(dependency.Name))
            {
                files.FileDescriptorProto.Add(dependency.SerializedData);
                AddDependencies(dependency, files, sentFiles);
            }
        }
    }

    private static ErrorResponse NotFound(string message) => new() { ErrorCode = (int)StatusCode.NotFound, ErrorMessage = message };

    private DescriptorIndex GetIndex()
    {
        // Services are mapped before the server starts; rebuild only if the registry grew since the last build.
        var services = registry.Services;
        var index = Volatile.Read(ref _index);
        if (index is null || Volatile.Read(ref _indexedServiceCount) != services.Count)
        {
            index = new DescriptorIndex(services);
            Volatile.Write(ref _index, index);
            Volatile.Write(ref _indexedServiceCount, services.Count);
        }
        return index;
    }

    private sealed class ConvertingReader<TFrom, TTo>(IAsyncStreamReader<TFrom> inner, MessageParser<TTo> parser) : IAsyncStreamReader<TTo>
        where TFrom : IMessage
        where TTo : IMessage<TTo>
    {
        private TTo? _current;

        public TTo Current => _current ?? throw new InvalidOperationException("No current message.");

        public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
        {
            if (!await inner.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            _current = parser.ParseFrom(inner.Current.ToByteString());
            return true;
        }
    }

    private sealed class ConvertingWriter<TFrom, TTo>(IServerStreamWriter<TTo> inner, MessageParser<TTo> parser) : IServerStreamWriter<TFrom>
        where TFrom : IMessage
        where TTo : IMessage<TTo>
    {
        public Task WriteAsync(TFrom message, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(parser.ParseFrom(message.ToByteString()), cancellationToken);
    }
}
