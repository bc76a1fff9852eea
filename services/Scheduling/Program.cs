using Mappa.Hosting;
using Mappa.Scheduling;

var app = MappaHost.Build(
    args,
    [new SchedulingModule()],
    new Dictionary<string, string?>
    {
        ["Mappa:Grpc:Port"] = SchedulingModule.DefaultGrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mappa:Http:Port"] = SchedulingModule.DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    },
    embedded: false);
await app.RunAsync();
