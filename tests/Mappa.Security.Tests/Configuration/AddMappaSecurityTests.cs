using Mappa.Grpc.Server;
using Mappa.Security.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mappa.Security.Tests.Configuration;

public sealed class AddMappaSecurityTests
{
    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    private static ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMappaSecurity(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Fact]
    public void Options_are_bound_from_the_mappa_auth_section()
    {
        var police = TestIssuer.Es256("police-1");
        using var provider = Build(Configuration(
            ("Mappa:Auth:Issuer", "https://idp.police.test/"),
            ("Mappa:Auth:Audience", "mappa-suite"),
            ("Mappa:Auth:ClockSkew", "00:00:10"),
            ("Mappa:Auth:SigningKeys:0:KeyId", "police-1"),
            ("Mappa:Auth:SigningKeys:0:Algorithm", "ES256"),
            ("Mappa:Auth:SigningKeys:0:PublicKeyPem", police.KeyOptions.PublicKeyPem)));

        var options = provider.GetRequiredService<IOptions<MappaAuthOptions>>().Value;
        Assert.Equal("https://idp.police.test/", options.Issuer);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ClockSkew);
        Assert.False(options.AllowDevelopmentKeys);
        Assert.Equal(["police-1"], provider.GetRequiredService<BearerTokenValidator>().Keys.KeyIds);
        Assert.IsType<LoggingAuditSink>(provider.GetRequiredService<IAuditSink>());
    }

    [Fact]
    public void Unsafe_configuration_stops_the_host()
    {
        using var provider = Build(Configuration(
            ("Mappa:Auth:Issuer", "i"),
            ("Mappa:Auth:Audience", "a"),
            ("Mappa:Auth:SigningKeys:0:KeyId", "shared"),
            ("Mappa:Auth:SigningKeys:0:Algorithm", "HS256"),
            ("Mappa:Auth:SigningKeys:0:Secret", new string('x', 40))));

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MappaAuthOptions>>().Value);
        Assert.Contains(failure.Failures, f => f.Contains("HS256"));
    }

    [Fact]
    public void Interceptors_are_registered_audit_first_then_authentication_then_authorization()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMappaSecurity(Configuration());
        using var provider = services.BuildServiceProvider();

        var order = provider.GetRequiredService<IOptions<GrpcServerOptions>>().Value.Interceptors;
        Assert.Equal([typeof(AuditInterceptor), typeof(AuthenticationInterceptor), typeof(AuthorizationInterceptor)], order);
    }

    [Fact]
    public async Task Start_up_check_loads_the_keys_before_the_first_call()
    {
        using var directory = new TemporaryDirectory();
        var keyDirectory = Path.Combine(directory.Path, "keys");
        using var provider = Build(Configuration(
            ("Mappa:Auth:Issuer", "mappa-dev"),
            ("Mappa:Auth:Audience", "mappa-suite"),
            ("Mappa:Auth:AllowDevelopmentKeys", "true"),
            ("Mappa:Auth:DevelopmentKeyDirectory", keyDirectory)));

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        Assert.True(File.Exists(Path.Combine(keyDirectory, Mappa.Security.Development.DevelopmentKeys.FileName)));
    }
}
