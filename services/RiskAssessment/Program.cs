using Mappa.Hosting;
using Mappa.RiskAssessment;

var app = MappaHost.Build(
    args,
    [new RiskAssessmentModule()],
    new Dictionary<string, string?>
    {
        ["Mappa:Grpc:Port"] = RiskAssessmentModule.DefaultGrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mappa:Http:Port"] = RiskAssessmentModule.DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    },
    embedded: false);
await app.RunAsync();
