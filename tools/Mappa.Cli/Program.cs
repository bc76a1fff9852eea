using System.Runtime.InteropServices;
using Mappa.Cli;
using Mappa.Cli.Infrastructure;

// Ctrl-C (or SIGTERM) cancels the running command, which ends cleanly (a watch exits 0); a second one ends the process at once.
using var interrupted = new CancellationTokenSource();
void Interrupt(PosixSignalContext signal)
{
    if (!interrupted.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupted.Cancel();
    }
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

return await MappaCli.RunAsync(args, CliEnvironment.FromProcess(), interrupted.Token);
