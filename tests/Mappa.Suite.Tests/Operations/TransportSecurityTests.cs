using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Operations;

/// <summary>The suite serving gRPC over TLS with a certificate from configuration, as production does.</summary>
public sealed class SuiteWithTls : RunningSuite
{
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"mappa-tls-{Guid.NewGuid():N}.pfx");

    public SuiteWithTls()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        Thumbprint = certificate.GetCertHashString();
        File.WriteAllBytes(_certificatePath, certificate.Export(X509ContentType.Pkcs12, "test-password"));
    }

    /// <summary>The self-signed certificate's SHA-1 thumbprint, which the test client pins.</summary>
    public string Thumbprint { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Mappa:Grpc:Tls:CertificatePath", _certificatePath),
        new("Mappa:Grpc:Tls:CertificatePassword", "test-password"),
    ];
}

public sealed class TransportSecurityTests(SuiteWithTls suite) : IClassFixture<SuiteWithTls>
{
    [Fact]
    public async Task A_client_that_trusts_the_certificate_calls_over_tls()
    {
        using var channel = TlsChannel(trust: certificate => certificate?.GetCertHashString() == suite.Thumbprint);

        var reply = await channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            MappaServices.Subjects.FindMethodByName("ListSubjects"), new ListSubjectsRequest());

        Assert.NotNull(reply);
        Assert.Equal("https", suite.Address.Scheme);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_cannot_call()
    {
        using var channel = TlsChannel(trust: _ => false);

        var error = await Assert.ThrowsAsync<Mappa.Grpc.RpcException>(() => channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            MappaServices.Subjects.FindMethodByName("ListSubjects"), new ListSubjectsRequest()));

        Assert.Equal(Mappa.Grpc.StatusCode.Unavailable, error.StatusCode);
    }

    private GrpcChannel TlsChannel(Func<X509Certificate2?, bool> trust)
    {
        var token = suite.Token(Role.MappaCoordinator);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => trust(certificate as X509Certificate2),
            },
        };
        return new GrpcChannel(suite.Address, new GrpcChannelOptions
        {
            Handler = handler,
            DisposeHandler = true,
            BearerTokenProvider = _ => ValueTask.FromResult<string?>(token),
            RetryPolicy = RetryPolicy.None,
        });
    }
}
