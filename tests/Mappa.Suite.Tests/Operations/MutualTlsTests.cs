using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Operations;

/// <summary>
/// The suite requiring client certificates from an agency certificate authority, with two agencies mapped: Police
/// Scotland by subject name and Glasgow social work by thumbprint. Certificates are made fresh for each run.
/// </summary>
public sealed class SuiteWithMutualTls : RunningSuite
{
    public const string Police = "police-scotland";
    public const string GlasgowSocialWork = "glasgow-social-work";

    private readonly string _directory = Directory.CreateTempSubdirectory("mappa-mtls-").FullName;

    public SuiteWithMutualTls()
    {
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        using var server = serverRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        ServerThumbprint = server.GetCertHashString();
        ServerCertificatePem = Write("server.pem", server.ExportCertificatePem());
        File.WriteAllBytes(Path.Combine(_directory, "server.pfx"), server.Export(X509ContentType.Pkcs12, "test-password"));

        using var authority = CreateAuthority("CN=MAPPA partner agencies test CA");
        Write("agency-ca.pem", authority.ExportCertificatePem());
        using var otherAuthority = CreateAuthority("CN=Somebody else's CA");

        PoliceCertificate = Issue(authority, "CN=police-gateway, O=Police Scotland", "police");
        GlasgowCertificate = Issue(authority, "CN=glasgow-sw-gateway, O=Glasgow City Council", "glasgow");
        UnmappedCertificate = Issue(authority, "CN=unknown-gateway, O=Not a partner", "unmapped");
        UntrustedCertificate = Issue(otherAuthority, "CN=police-gateway, O=Police Scotland", "untrusted");
    }

    public string ServerThumbprint { get; }
    public string ServerCertificatePem { get; }
    public IssuedCertificate PoliceCertificate { get; }
    public IssuedCertificate GlasgowCertificate { get; }
    public IssuedCertificate UnmappedCertificate { get; }
    public IssuedCertificate UntrustedCertificate { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Mappa:Grpc:Tls:CertificatePath", Path.Combine(_directory, "server.pfx")),
        new("Mappa:Grpc:Tls:CertificatePassword", "test-password"),
        new("Mappa:Grpc:Tls:RequireClientCertificate", "true"),
        new("Mappa:Grpc:Tls:ClientCertificateAuthorityPath", Path.Combine(_directory, "agency-ca.pem")),
        new("Mappa:Auth:ClientCertificates:0:Agency", Police),
        // Written differently from the certificate (no space after the comma): subjects compare as names, not text.
        new("Mappa:Auth:ClientCertificates:0:Subject", "CN=police-gateway,O=Police Scotland"),
        new("Mappa:Auth:ClientCertificates:1:Agency", GlasgowSocialWork),
        new("Mappa:Auth:ClientCertificates:1:Thumbprint", GlasgowCertificate.Sha256Thumbprint),
    ];

    private static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
    }

    private IssuedCertificate Issue(X509Certificate2 authority, string subject, string fileName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1),
            RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "pw"), "pw");
        return new IssuedCertificate(usable,
            Write(fileName + ".pem", issued.ExportCertificatePem()),
            Write(fileName + ".key", key.ExportPkcs8PrivateKeyPem()),
            Convert.ToHexString(issued.GetCertHash(HashAlgorithmName.SHA256)));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}

public sealed record IssuedCertificate(X509Certificate2 Certificate, string CertificatePath, string KeyPath, string Sha256Thumbprint);

public sealed class MutualTlsTests(SuiteWithMutualTls suite) : IClassFixture<SuiteWithMutualTls>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListSubjects = MappaServices.Subjects.FindMethodByName("ListSubjects");

    [Fact]
    public async Task An_agency_calls_with_its_own_certificate_and_a_token_for_the_same_agency()
    {
        using var channel = Channel(suite.PoliceCertificate, suite.TokenForAgency(SuiteWithMutualTls.Police, Role.PoliceOfficer, agencyKind: "POLICE"));

        var reply = await channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest());

        Assert.NotNull(reply);
    }

    [Fact]
    public async Task A_certificate_mapped_by_thumbprint_names_its_agency_too()
    {
        using var channel = Channel(suite.GlasgowCertificate, suite.TokenForAgency(SuiteWithMutualTls.GlasgowSocialWork, Role.Assessor));

        var reply = await channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest());

        Assert.NotNull(reply);
    }

    [Fact]
    public async Task A_token_of_another_agency_over_an_agency_connection_is_unauthenticated()
    {
        using var channel = Channel(suite.PoliceCertificate, suite.TokenForAgency(SuiteWithMutualTls.GlasgowSocialWork, Role.Assessor));

        var error = await Assert.ThrowsAsync<Mappa.Grpc.RpcException>(() =>
            channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest()));

        Assert.Equal(Mappa.Grpc.StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_the_agency_authority_that_no_agency_is_mapped_to_is_unauthenticated()
    {
        using var channel = Channel(suite.UnmappedCertificate, suite.TokenForAgency(SuiteWithMutualTls.Police, Role.PoliceOfficer, agencyKind: "POLICE"));

        var error = await Assert.ThrowsAsync<Mappa.Grpc.RpcException>(() =>
            channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest()));

        Assert.Equal(Mappa.Grpc.StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_another_authority_cannot_connect()
    {
        using var channel = Channel(suite.UntrustedCertificate, suite.TokenForAgency(SuiteWithMutualTls.Police, Role.PoliceOfficer, agencyKind: "POLICE"));

        var error = await Assert.ThrowsAsync<Mappa.Grpc.RpcException>(() =>
            channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest()));

        Assert.Equal(Mappa.Grpc.StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_connect_when_certificates_are_required()
    {
        using var channel = Channel(certificate: null, suite.TokenForAgency(SuiteWithMutualTls.Police, Role.PoliceOfficer, agencyKind: "POLICE"));

        var error = await Assert.ThrowsAsync<Mappa.Grpc.RpcException>(() =>
            channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest()));

        Assert.Equal(Mappa.Grpc.StatusCode.Unavailable, error.StatusCode);
    }

    [Theory]
    [InlineData(SuiteWithMutualTls.Police, "OK")]
    [InlineData(SuiteWithMutualTls.GlasgowSocialWork, "UNAUTHENTICATED")]
    public async Task A_python_grpcio_client_with_the_police_certificate_is_held_to_the_police_agency(string tokenAgency, string expected)
    {
        var token = suite.TokenForAgency(tokenAgency, Role.PoliceOfficer, agencyKind: "POLICE");

        var (exitCode, output, error) = await TestEnvironment.RunPythonAsync("mtls_call.py", suite.Target,
            "/mappa.riskassessment.v1.SubjectService/ListSubjects", suite.ServerCertificatePem,
            suite.PoliceCertificate.CertificatePath, suite.PoliceCertificate.KeyPath, token);

        Assert.True(exitCode == 0, error);
        Assert.Equal(expected, output.Trim());
    }

    private GrpcChannel Channel(IssuedCertificate? certificate, string token)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, server, _, _) => (server as X509Certificate2)?.GetCertHashString() == suite.ServerThumbprint,
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate.Certificate },
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
