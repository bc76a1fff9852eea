using System.Text.RegularExpressions;
using Mappa.Hosting;
using Mappa.Messaging.Configuration;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Mappa.Reliability.Tests;

/// <summary>
/// docker-compose.yml against the services' real configuration: each container's Mappa__ settings bind to the
/// options classes the host binds (an unknown key fails the bind), its ports are the module's, its health check asks
/// the host's /healthz, and the scale-out profile balances every service over all of its instances.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly Dictionary<string, (int Grpc, int Http)> ModulePorts = new()
    {
        ["RiskAssessment"] = (Mappa.RiskAssessment.RiskAssessmentModule.DefaultGrpcPort, Mappa.RiskAssessment.RiskAssessmentModule.DefaultHttpPort),
        ["CaseConference"] = (Mappa.CaseConference.CaseConferenceModule.DefaultGrpcPort, Mappa.CaseConference.CaseConferenceModule.DefaultHttpPort),
        ["Scheduling"] = (Mappa.Scheduling.SchedulingModule.DefaultGrpcPort, Mappa.Scheduling.SchedulingModule.DefaultHttpPort),
    };

    private static readonly Action<BinderOptions> Strict = options => options.ErrorOnUnknownConfiguration = true;

    [Fact]
    public void Every_service_container_binds_its_settings_to_the_real_options_with_its_modules_ports_and_health_check()
    {
        var instances = Instances(Load()).ToList();
        Assert.NotEmpty(instances);
        foreach (var (name, project, service) in instances)
        {
            var configuration = Configuration(service);
            var grpc = configuration.GetSection(GrpcEndpointOptions.Section).Get<GrpcEndpointOptions>(Strict)!;
            var http = configuration.GetSection(OperatorEndpointOptions.Section).Get<OperatorEndpointOptions>(Strict)!;
            var bus = configuration.GetSection(MappaBusOptions.SectionName).Get<MappaBusOptions>(Strict)!;
            var database = configuration.GetSection(MappaDatabaseOptions.SectionName).Get<MappaDatabaseOptions>(Strict)!;
            var auth = configuration.GetSection(MappaAuthOptions.SectionName).Get<MappaAuthOptions>(Strict)!;

            Assert.Equal(ModulePorts[project].Grpc, grpc.Port);
            Assert.Equal(ModulePorts[project].Http, http.Port);
            Assert.Contains($"http://localhost:{http.Port}/healthz", HealthCheck(service));
            Assert.Equal(BusTransport.RabbitMq, bus.Transport);
            Assert.Equal(RabbitMqQueueType.Quorum, bus.RabbitMq.QueueType);
            Assert.Equal(DatabaseProvider.Postgres, database.Provider);
            Assert.Contains($"Database={project.ToLowerInvariant()};", database.ConnectionString);
            Assert.Equal("ES256", Assert.Single(auth.SigningKeys).Algorithm);
            Assert.False(auth.AllowDevelopmentKeys, $"{name} must not accept development keys");

            // Nothing outside those sections but the service addresses.
            var others = configuration.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key)
                .Where(key => !new[] { GrpcEndpointOptions.Section, OperatorEndpointOptions.Section, MappaBusOptions.SectionName, MappaDatabaseOptions.SectionName, MappaAuthOptions.SectionName }
                    .Any(section => key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)));
            Assert.All(others, key => Assert.Matches("^Mappa:Services:(RiskAssessment|CaseConference|Scheduling)$", key));
        }
    }

    [Fact]
    public void The_scale_out_profile_runs_two_instances_of_each_service_behind_an_HTTP2_gRPC_balancer()
    {
        var compose = Load();
        var instances = Instances(compose).ToList();
        var services = (Dictionary<object, object>)compose["services"];
        var balancer = (Dictionary<object, object>)services["grpc-balancer"];
        Assert.Contains("scale-out", ((List<object>)balancer["profiles"]).Cast<string>());
        var configSource = (string)((Dictionary<object, object>)((List<object>)balancer["configs"])[0])["source"];
        var nginx = (string)((Dictionary<object, object>)((Dictionary<object, object>)compose["configs"])[configSource])["content"];

        foreach (var (project, ports) in ModulePorts)
        {
            var ofProject = instances.Where(i => i.Project == project).Select(i => i.Name).Order().ToList();
            Assert.Equal(2, ofProject.Count);
            var upstream = Regex.Match(nginx, $@"upstream\s+{project.ToLowerInvariant()}\s*\{{([^}}]*)\}}");
            Assert.True(upstream.Success, $"no upstream for {project}");
            var servers = UpstreamServer().Matches(upstream.Groups[1].Value).Select(m => m.Groups[1].Value).Order().ToList();
            Assert.Equal(ofProject.Select(n => $"{n}:{ports.Grpc}").Order(StringComparer.Ordinal), servers.Order(StringComparer.Ordinal));
            Assert.Matches($@"listen {ports.Grpc} ssl;\s*http2 on;\s*location / \{{ grpc_pass grpcs://{project.ToLowerInvariant()};", nginx);
        }
    }

    private static IEnumerable<(string Name, string Project, Dictionary<object, object> Service)> Instances(Dictionary<object, object> compose)
    {
        foreach (var (key, value) in (Dictionary<object, object>)compose["services"])
        {
            var service = (Dictionary<object, object>)value;
            if (service.GetValueOrDefault("build") is Dictionary<object, object> build
                && DockerfileOfService().Match((string)build["dockerfile"]) is { Success: true } match)
            {
                yield return ((string)key, match.Groups[1].Value, service);
            }
        }
    }

    private static IConfiguration Configuration(Dictionary<object, object> service)
    {
        var environment = (Dictionary<object, object>)service["environment"];
        var settings = environment
            .Where(kv => ((string)kv.Key).StartsWith("Mappa__", StringComparison.Ordinal))
            .ToDictionary(kv => ((string)kv.Key).Replace("__", ":", StringComparison.Ordinal), kv => (string?)Substitute(kv.Value?.ToString() ?? ""));
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>Compose variable substitution as a user without a .env file gets it (a required variable gets a stand-in).</summary>
    private static string Substitute(string value) => Variable().Replace(value, m => m.Groups[2].Value == ":-" ? m.Groups[3].Value : "set-by-the-user");

    private static string HealthCheck(Dictionary<object, object> service) =>
        string.Join(' ', ((List<object>)((Dictionary<object, object>)service["healthcheck"])["test"]).Cast<string>());

    private static Dictionary<object, object> Load()
    {
        using var reader = new StringReader(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docker-compose.yml")));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    [GeneratedRegex(@"^services/(\w+)/Dockerfile$")]
    private static partial Regex DockerfileOfService();

    [GeneratedRegex(@"\$\{(\w+)(:-|:\?)([^}]*)\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"server\s+([\w-]+:\d+)")]
    private static partial Regex UpstreamServer();
}
