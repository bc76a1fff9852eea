using Mappa.Cli;
using Mappa.Cli.Infrastructure;

return await MappaCli.RunAsync(args, CliEnvironment.FromProcess());
