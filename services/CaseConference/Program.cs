using Mappa.Hosting;
using Mappa.CaseConference;

var app = MappaHost.Build(
    args,
    [new CaseConferenceModule()],
    new Dictionary<string, string?>
    {
        ["Mappa:Grpc:Port"] = CaseConferenceModule.DefaultGrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mappa:Http:Port"] = CaseConferenceModule.DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Run alone, RiskAssessment is another process: its default port on this machine unless configured.
        ["Mappa:Services:RiskAssessment"] = "http://localhost:5101",
        ["Mappa:Services:Scheduling"] = "http://localhost:5103",
    },
    embedded: false);
await app.RunAsync();
