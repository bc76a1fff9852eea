using Mappa.Suite;

var dataDirectory = SuiteHost.DefaultDataDirectory();
if (args is ["token", .. var tokenArgs])
{
    return TokenCommand.Run(tokenArgs, dataDirectory, Console.Out, Console.Error);
}

var demo = args.Contains("--demo");
var app = SuiteHost.Build(args.Where(a => a != "--demo").ToArray(), dataDirectory);
if (demo)
{
    app.Lifetime.ApplicationStarted.Register(() => _ = DemoCaseload.LoadAsync(app.Services, app.Lifetime.ApplicationStopping));
}
await app.RunAsync();
return 0;
