using Mappa.Hosting;
using Mappa.RiskAssessment;
using Mappa.RiskAssessment.Features.Assessments;

var defaults = new Dictionary<string, string?>
{
    ["Mappa:Grpc:Port"] = RiskAssessmentModule.DefaultGrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Mappa:Http:Port"] = RiskAssessmentModule.DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
};

if (args is [RescoreCommand.Name, .. var rest])
{
    // The audit runs against the configured database without starting the server.
    var settings = rest.Where(a => a != "--include-consistent").ToArray();
    await using var host = MappaHost.Build(settings, [new RiskAssessmentModule()], defaults, embedded: false);
    try
    {
        return await RescoreCommand.RunAsync(host.Services, Console.Out, includeConsistent: rest.Contains("--include-consistent"));
    }
    catch (System.Data.Common.DbException failure)
    {
        // The command reads what the service stored; it never creates or migrates the schema itself.
        await Console.Error.WriteLineAsync($"rescore: cannot read the assessments ({failure.Message}). Check the database settings, and that the service has run against this database.");
        return 2;
    }
}

var app = MappaHost.Build(args, [new RiskAssessmentModule()], defaults, embedded: false);
await app.RunAsync();
return 0;
