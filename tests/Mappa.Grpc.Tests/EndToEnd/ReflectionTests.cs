using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class ReflectionTests : IAsyncLifetime
{
    private const string V1Path = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
    private const string V1AlphaPath = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
    private TestGrpcServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(
            services => services.AddSingleton<UnboundHandlers>(),
            app =>
            {
                TestGrpcServer.MapDefaultEndpoints(app);
                // A real suite contract with imports (access.proto, descriptor.proto), mapped with no handlers.
                app.MapGrpcService<UnboundHandlers>(SubjectServiceReflection.Descriptor.Services[0], _ => { });
            });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_services_names_every_mapped_service_including_health_and_reflection()
    {
        var response = Assert.Single(await AskAsync(new ServerReflectionRequest { ListServices = "" }));

        Assert.Equal(
            [
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
                "mappa.grpctest.v1.EchoService",
                SubjectServiceReflection.Descriptor.Services[0].FullName,
            ],
            response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("mappa.grpctest.v1.EchoService")]
    [InlineData("mappa.grpctest.v1.EchoService.Echo")]
    [InlineData("mappa.grpctest.v1.EchoRequest")]
    [InlineData("mappa.grpctest.v1.EchoRequest.Nested")]
    [InlineData("mappa.grpctest.v1.EchoRequest.Mood")]
    [InlineData(".mappa.grpctest.v1.EchoResponse")]
    public async Task File_containing_symbol_finds_services_methods_messages_and_nested_types(string symbol)
    {
        var response = Assert.Single(await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol }));

        var file = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("mappa/grpctest/v1/echo.proto", file.Name);
        Assert.Contains(file.Service, s => s.Name == "EchoService");
        Assert.Equal(symbol, response.OriginalRequest.FileContainingSymbol);
    }

    [Fact]
    public async Task File_answers_include_every_transitive_dependency()
    {
        var response = Assert.Single(await AskAsync(new ServerReflectionRequest { FileContainingSymbol = SubjectServiceReflection.Descriptor.Services[0].FullName }));

        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        var names = files.Select(f => f.Name).ToHashSet();
        Assert.Equal(SubjectServiceReflection.Descriptor.Name, files[0].Name);
        Assert.Contains("mappa/common/v1/access.proto", names);
        Assert.Contains("google/protobuf/descriptor.proto", names);
        Assert.All(files, file => Assert.All(file.Dependency, dependency => Assert.Contains(dependency, names)));
        // A client can rebuild the whole contract from what it was sent.
        var rebuilt = FileDescriptor.BuildFromByteStrings(TopologicalOrder(files).Select(f => f.ToByteString()).ToList());
        Assert.Contains(rebuilt, f => f.Services.Any(s => s.FullName == SubjectServiceReflection.Descriptor.Services[0].FullName));
    }

    [Fact]
    public async Task Files_already_sent_on_the_stream_are_not_sent_again_as_dependencies()
    {
        var responses = await AskAsync(
            new ServerReflectionRequest { FileContainingSymbol = SubjectServiceReflection.Descriptor.Services[0].FullName },
            new ServerReflectionRequest { FileByFilename = "mappa/common/v1/access.proto" });

        Assert.Equal(2, responses.Count);
        var second = Assert.Single(responses[1].FileDescriptorResponse.FileDescriptorProto);
        Assert.Equal("mappa/common/v1/access.proto", FileDescriptorProto.Parser.ParseFrom(second).Name);
    }

    [Fact]
    public async Task Extensions_of_a_type_can_be_listed_and_found()
    {
        var responses = await AskAsync(
            new ServerReflectionRequest { AllExtensionNumbersOfType = "google.protobuf.MethodOptions" },
            new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 51001 } });

        Assert.Equal("google.protobuf.MethodOptions", responses[0].AllExtensionNumbersResponse.BaseTypeName);
        Assert.Contains(51001, responses[0].AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Equal("mappa/common/v1/access.proto", FileDescriptorProto.Parser.ParseFrom(responses[1].FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }

    [Fact]
    public async Task Message_type_without_extensions_lists_none()
    {
        var response = Assert.Single(await AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "mappa.grpctest.v1.EchoRequest" }));

        Assert.Empty(response.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Theory]
    [InlineData("symbol")]
    [InlineData("file")]
    [InlineData("extension")]
    [InlineData("extension-numbers")]
    public async Task Unknown_names_get_a_not_found_error_response(string kind)
    {
        var request = kind switch
        {
            "symbol" => new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            "file" => new ServerReflectionRequest { FileByFilename = "no/such.proto" },
            "extension" => new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 1 } },
            _ => new ServerReflectionRequest { AllExtensionNumbersOfType = "no.such.Type" },
        };

        var response = Assert.Single(await AskAsync(request));

        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task V1alpha_answers_the_same_questions()
    {
        var answers = await AskV1AlphaAsync(
            new V1Alpha.ServerReflectionRequest { ListServices = "*" },
            new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "mappa.grpctest.v1.EchoService" });

        Assert.Contains(answers[0].ListServicesResponse.Service, s => s.Name == "grpc.reflection.v1alpha.ServerReflection");
        Assert.Equal("mappa/grpctest/v1/echo.proto", FileDescriptorProto.Parser.ParseFrom(answers[1].FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }

    private async Task<List<ServerReflectionResponse>> AskAsync(params ServerReflectionRequest[] requests) =>
        [.. (await SendAsync(V1Path, requests)).Select(m => ServerReflectionResponse.Parser.ParseFrom(m))];

    private async Task<List<V1Alpha.ServerReflectionResponse>> AskV1AlphaAsync(params V1Alpha.ServerReflectionRequest[] requests) =>
        [.. (await SendAsync(V1AlphaPath, requests)).Select(m => V1Alpha.ServerReflectionResponse.Parser.ParseFrom(m))];

    private async Task<List<byte[]>> SendAsync(string path, IEnumerable<IMessage> requests)
    {
        using var client = _server.CreateRawClient();
        using var response = await client.SendAsync(RawGrpc.Request(path, [.. requests.SelectMany(r => RawGrpc.Frame(r))]));
        var (status, message, body) = await RawGrpc.ReadAsync(response);
        Assert.True(status == 0, $"status {status}: {message}");
        return RawGrpc.Messages(body);
    }

    private static List<FileDescriptorProto> TopologicalOrder(List<FileDescriptorProto> files)
    {
        var byName = files.ToDictionary(f => f.Name);
        var ordered = new List<FileDescriptorProto>();
        var done = new HashSet<string>();
        void Visit(FileDescriptorProto file)
        {
            if (!done.Add(file.Name))
            {
                return;
            }
            foreach (var dependency in file.Dependency)
            {
                Visit(byName[dependency]);
            }
            ordered.Add(file);
        }
        files.ForEach(Visit);
        return ordered;
    }

    private sealed class UnboundHandlers;
}
