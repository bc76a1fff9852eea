using System.Diagnostics;
using System.Reflection;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Partners.Tests.Infrastructure;
using Xunit.Abstractions;
using static Mappa.Partners.Tests.Subscriptions.TestPartners;

namespace Mappa.Partners.Tests.Samples;

/// <summary>The example subscribers in samples/subscribers, run as a partner would run them, against the real broker.</summary>
public class SampleSubscriberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_dotnet_sample_prints_and_acks_the_events_in_its_agency_queue()
    {
        var dll = Path.Combine(RepositoryFiles.Path("samples", "subscribers", "dotnet", "bin", BuildConfiguration, "net10.0"), "mappa-subscriber.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds the sample (ProjectReference), build it first.");
        await RunsAgainstItsQueue(new ProcessStartInfo("dotnet") { ArgumentList = { dll, "--max-messages", "2" } });
    }

    [Fact]
    public async Task The_python_sample_prints_and_acks_the_events_in_its_agency_queue()
    {
        var python = PartnerBroker.Required("MAPPA_TEST_PYTHON");
        var script = RepositoryFiles.Path("samples", "subscribers", "python", "subscriber.py");
        await RunsAgainstItsQueue(new ProcessStartInfo(python) { ArgumentList = { script, "--max-messages", "2" } });
    }

    private async Task RunsAgainstItsQueue(ProcessStartInfo start)
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var bus = await broker.StartSuiteBusAsync();
        var review = ReviewDueIn("glasgow", "subject-41");
        var conference = Event<ConferenceScheduled>("subject-42", "glasgow");
        await bus.PublishAsync(review, ReviewDueIn("edinburgh", "subject-43"), conference);

        start.Environment["MAPPA_SUBSCRIBER_AMQP"] = broker.AgencyAmqpUri(Glasgow).ToString();
        start.Environment["MAPPA_SUBSCRIBER_AGENCY"] = Glasgow;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Eventually.Limit);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var printed = await stdout;
        output.WriteLine(printed);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"the subscriber exited with {process.ExitCode}: {await stderr}");

        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
        [
            Line(review, "/mappa.example.v1.ExampleService/GetExample(id=example-1)"),
            Line(conference, "/mappa.example.v1.ExampleService/GetExample(id=example-1)"),
        ], lines);

        // Both were acknowledged: the queue is empty; edinburgh's event was never in it.
        await using var admin = await broker.ConnectAsAdminAsync();
        await using var channel = await admin.CreateChannelAsync();
        await Queues.DrainAsync(channel, PartnerTopology.Queue(Glasgow), 0);
    }

    private static string Line(DomainEvent e, string detail) =>
        $"{e.EventType} v{e.Version} event={e.EventId} subject={e.Subject.SubjectId} area=glasgow detail={detail}";

    private static string BuildConfiguration =>
        typeof(SampleSubscriberTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
