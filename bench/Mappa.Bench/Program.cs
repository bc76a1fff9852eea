using Mappa.Bench.Servers;
using Mappa.Bench.Suite;

// Mappa.Bench serve ours|bare|routed|protobuf [--port N]   one server (prints "listening PORT")
// Mappa.Bench unary [options]              the whole unary benchmark (bench/run.sh calls this)
// Mappa.Bench check --port N               one real call with the benchmark body; exit 0 if grpc-status is 0
// Mappa.Bench write-body FILE              the gRPC-framed request body h2load sends (for bench/profile.sh)
return args switch
{
    ["serve", var which, .. var rest] => await ServeAsync(which, PortOption(rest)),
    ["unary", .. var rest] => await UnaryBenchmark.RunAsync(BenchmarkSettings.Parse(rest)),
    ["check", .. var rest] => await CheckAsync(PortOption(rest)),
    ["write-body", var path] => WriteBody(path),
    _ => Usage(),
};

static async Task<int> ServeAsync(string which, int port)
{
    var app = which switch
    {
        "ours" => OurLayerServer.Build(port),
        "bare" => BareKestrelServer.Build(port),
        "routed" => DiagnosticServers.BuildRouted(port),
        "protobuf" => DiagnosticServers.BuildProtobuf(port),
        _ => null,
    };
    if (app is null)
    {
        return Usage();
    }
    await BenchHost.RunAsync(app);
    return 0;
}

static async Task<int> CheckAsync(int port)
{
    var problem = await GrpcStatusCheck.CheckAsync(port);
    Console.WriteLine(problem ?? "grpc-status 0, echo matches");
    return problem is null ? 0 : 1;
}

static int WriteBody(string path)
{
    File.WriteAllBytes(path, EchoRequestBody.Framed());
    return 0;
}

static int PortOption(string[] rest) =>
    rest is ["--port", var value, ..] ? int.Parse(value) : 0;

static int Usage()
{
    Console.Error.WriteLine("usage: Mappa.Bench serve ours|bare|routed|protobuf [--port N] | unary [options] | check --port N | write-body FILE");
    return 2;
}
