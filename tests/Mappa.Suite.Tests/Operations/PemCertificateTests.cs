using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Operations;

/// <summary>The suite with a PEM certificate and a SEC1 ("EC PRIVATE KEY") key, as scripts/dev-certs.sh and most CAs write them.</summary>
public sealed class SuiteWithPemCertificate : RunningSuite
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mappa-pem-").FullName;

    public SuiteWithPemCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mappa-suite", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        Thumbprint = certificate.GetCertHashString();
        File.WriteAllText(Path.Combine(_directory, "server.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, "server.key"), key.ExportECPrivateKeyPem());
    }

    public string Thumbprint { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Mappa:Grpc:Tls:CertificatePath", Path.Combine(_directory, "server.pem")),
        new("Mappa:Grpc:Tls:CertificateKeyPath", Path.Combine(_directory, "server.key")),
    ];
}

public sealed class PemCertificateTests(SuiteWithPemCertificate suite) : IClassFixture<SuiteWithPemCertificate>
{
    [Fact]
    public async Task A_pem_certificate_and_key_serve_grpc_over_tls()
    {
        var token = suite.Token(Role.MappaCoordinator);
        using var channel = new GrpcChannel(suite.Address, new GrpcChannelOptions
        {
            Handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => (certificate as X509Certificate2)?.GetCertHashString() == suite.Thumbprint,
                },
            },
            DisposeHandler = true,
            BearerTokenProvider = _ => ValueTask.FromResult<string?>(token),
            RetryPolicy = RetryPolicy.None,
        });

        var reply = await channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            MappaServices.Subjects.FindMethodByName("ListSubjects"), new ListSubjectsRequest());

        Assert.NotNull(reply);
        Assert.Equal("https", suite.Address.Scheme);
    }
}
