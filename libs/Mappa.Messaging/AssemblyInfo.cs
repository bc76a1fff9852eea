using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Mappa.Messaging.Tests")]
[assembly: InternalsVisibleTo("Mappa.OutboxBench")]
[assembly: InternalsVisibleTo("Mappa.Hosting")]
