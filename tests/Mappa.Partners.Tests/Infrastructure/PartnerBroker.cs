using System.Net.Http.Headers;
using System.Text;
using MassTransit;
using Mappa.Events;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Mappa.Partners.Tests.Infrastructure;

/// <summary>
/// A fresh virtual host on the real RabbitMQ that ./test.sh starts, with partner users under a prefix of this test's
/// own (users are broker-wide, and tests run in parallel). Disposing deletes the virtual host and the users.
/// </summary>
public sealed class PartnerBroker : IAsyncDisposable
{
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private readonly List<IHost> _hosts = [];

    private readonly bool _ownsVirtualHost = true;

    private PartnerBroker(string virtualHost, string userPrefix, bool ownsVirtualHost = true)
    {
        _ownsVirtualHost = ownsVirtualHost;
        VirtualHost = virtualHost;
        UserPrefix = userPrefix;
        Management = new RabbitMqManagementClient(ManagementUri, virtualHost);
    }

    public static Uri AmqpUri => new(Required("MAPPA_TEST_RABBITMQ"));

    public static Uri ManagementUri => new(Required("MAPPA_TEST_RABBITMQ_MANAGEMENT"));

    public string VirtualHost { get; }

    public string UserPrefix { get; }

    /// <summary>Admin access to this virtual host through the management API (the test user is an administrator).</summary>
    public RabbitMqManagementClient Management { get; }

    public static async Task<PartnerBroker> CreateAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var vhost = $"mappa-partners-{id}";
        var (user, _) = Credentials(AmqpUri);
        using var http = ManagementHttp();
        (await http.PutAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
        return new PartnerBroker(vhost, $"t{id}-");
    }

    /// <summary>Partner users on a virtual host someone else made (and deletes), e.g. the running suite's.</summary>
    public static PartnerBroker OnVirtualHost(string virtualHost) =>
        new(virtualHost, $"t{Guid.NewGuid().ToString("N")[..12]}-", ownsVirtualHost: false);

    public string UserName(string agency) => UserPrefix + agency;

    /// <summary>The agency's password (made up once per test, like an operator's secret store would).</summary>
    public string Password(string agency)
    {
        lock (_passwords)
        {
            if (!_passwords.TryGetValue(agency, out var password))
                _passwords[agency] = password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
            return password;
        }
    }

    public Task<ProvisioningResult> ProvisionAsync(PartnerConfiguration configuration) =>
        new PartnerProvisioner(Management, new PartnerProvisioningOptions { UserPrefix = UserPrefix, Password = Password })
            .ProvisionAsync(configuration);

    /// <summary>An AMQP URI for the agency's own user on this virtual host, as the agency would be given.</summary>
    public Uri AgencyAmqpUri(string agency) => new UriBuilder(AmqpUri)
    {
        UserName = Uri.EscapeDataString(UserName(agency)),
        Password = Uri.EscapeDataString(Password(agency)),
        Path = "/" + Uri.EscapeDataString(VirtualHost),
    }.Uri;

    public Task<IConnection> ConnectAsAgencyAsync(string agency) =>
        new ConnectionFactory { Uri = AgencyAmqpUri(agency), ClientProvidedName = "partner-test " + agency }.CreateConnectionAsync();

    public Task<IConnection> ConnectAsAdminAsync() =>
        new ConnectionFactory { Uri = new UriBuilder(AmqpUri) { Path = "/" + Uri.EscapeDataString(VirtualHost) }.Uri }.CreateConnectionAsync();

    /// <summary>
    /// Starts the suite's real bus configuration (AddMappaMessaging on RabbitMQ: entity names, publish confirms and
    /// the routing-header filter) in a host of its own, and returns a publisher that sends events as the outbox relay does.
    /// </summary>
    public async Task<SuiteBus> StartSuiteBusAsync()
    {
        var (user, password) = Credentials(AmqpUri);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mappa:Bus:Transport"] = "RabbitMq",
            ["Mappa:Bus:RabbitMq:Host"] = AmqpUri.Host,
            ["Mappa:Bus:RabbitMq:Port"] = AmqpUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mappa:Bus:RabbitMq:VirtualHost"] = VirtualHost,
            ["Mappa:Bus:RabbitMq:Username"] = user,
            ["Mappa:Bus:RabbitMq:Password"] = password,
        });
        builder.Services.AddMappaMessaging(builder.Configuration);
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBusControl>();
        using var started = new CancellationTokenSource(Eventually.Limit);
        var health = await bus.WaitForHealthStatus(BusHealthStatus.Healthy, started.Token);
        Assert.Equal(BusHealthStatus.Healthy, health);
        return new SuiteBus(bus);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        string[] agencies;
        lock (_passwords) agencies = _passwords.Keys.ToArray();
        foreach (var agency in agencies) await Management.DeleteUserAsync(UserName(agency), CancellationToken.None);
        if (_ownsVirtualHost)
        {
            using var http = ManagementHttp();
            await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
        }
        Management.Dispose();
    }

    private static HttpClient ManagementHttp()
    {
        var (user, password) = Credentials(ManagementUri);
        var http = new HttpClient { BaseAddress = new Uri(ManagementUri.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static (string User, string Password) Credentials(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    public static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts RabbitMQ (and the rest) and sets it.");
}

/// <summary>Publishes events on the suite's bus exactly as the outbox relay does (message id = event id, Mappa-* headers).</summary>
public sealed class SuiteBus(IBus bus)
{
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public async Task PublishAsync(params DomainEvent[] events)
    {
        foreach (var domainEvent in events)
        {
            var position = _positions[domainEvent.Subject.SubjectId] = _positions.GetValueOrDefault(domainEvent.Subject.SubjectId) + 1;
            using var timeout = new CancellationTokenSource(Eventually.Limit);
            await bus.Publish(domainEvent, domainEvent.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = domainEvent.EventId;
                context.Headers.Set(MappaHeaders.EventType, domainEvent.EventType);
                context.Headers.Set(MappaHeaders.EventVersion, domainEvent.Version);
                context.Headers.Set(MappaHeaders.SubjectPosition, position);
            }), timeout.Token);
        }
    }
}
