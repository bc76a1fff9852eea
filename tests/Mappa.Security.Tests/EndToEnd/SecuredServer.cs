using System.Net;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Core.Errors;
using Mappa.Grpc.Server;
using Mappa.Security.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Security.Tests.EndToEnd;

/// <summary>
/// A real Kestrel server (plaintext HTTP/2 on loopback) running the suite's gRPC layer with AddMappaSecurity,
/// serving SubjectService.GetSubject from a handler that uses the row-scoping and redaction hooks.
/// </summary>
public sealed class SecuredServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecuredServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public static TestIssuer Issuer { get; } = TestIssuer.Es256("police-e2e");

    public Uri Address { get; }

    public RecordingAuditSink Audit => _app.Services.GetRequiredService<RecordingAuditSink>();

    public static async Task<SecuredServer> StartAsync(Action<WebApplication>? mapEndpoints = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mappa:Auth:Issuer"] = TestIssuer.Issuer,
            ["Mappa:Auth:Audience"] = TestIssuer.Audience,
            ["Mappa:Auth:SigningKeys:0:KeyId"] = Issuer.KeyId,
            ["Mappa:Auth:SigningKeys:0:Algorithm"] = "ES256",
            ["Mappa:Auth:SigningKeys:0:PublicKeyPem"] = Issuer.KeyOptions.PublicKeyPem,
        });
        builder.Services.AddMappaGrpc();
        builder.Services.AddSingleton<RecordingAuditSink>();
        builder.Services.AddSingleton<IAuditSink>(provider => provider.GetRequiredService<RecordingAuditSink>());
        builder.Services.AddMappaSecurity(builder.Configuration);
        builder.Services.AddScoped<SubjectHandlers>();

        var app = builder.Build();
        (mapEndpoints ?? MapSubjectsAndHealth)(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new SecuredServer(app, new Uri(address));
    }

    private static void MapSubjectsAndHealth(WebApplication app)
    {
        app.MapGrpcService<SubjectHandlers>(Methods.SubjectService, subjects => subjects
            .Unary<GetSubjectRequest, GetSubjectResponse>("GetSubject", (handlers, request, context) => handlers.GetSubject(request, context)));
        app.MapGrpcHealth();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Every subject lives in Glasgow and is called "A. Person".</summary>
    public sealed class SubjectHandlers
    {
        public const string Area = "glasgow";
        public const string DisplayName = "A. Person";

        public Task<GetSubjectResponse> GetSubject(GetSubjectRequest request, ServerCallContext context)
        {
            var caller = context.Caller();
            if (!caller.CanSeeArea(Area))
            {
                throw new NotFoundException("subject", request.SubjectId);
            }
            return Task.FromResult(new GetSubjectResponse
            {
                Subject = new Subject
                {
                    SubjectId = request.SubjectId,
                    Area = Area,
                    DisplayName = caller.MaySeePersonalDetail ? DisplayName : "",
                },
            });
        }
    }
}
