using Mappa.Messaging.Configuration;
using Microsoft.Extensions.Configuration;

namespace Mappa.Hosting;

public static class ModuleDatabase
{
    /// <summary>
    /// The database of one module. <c>Mappa:Services:&lt;name&gt;:Database</c> overrides <c>Mappa:Database</c> for that
    /// module, which is how several modules in one process (the embedded host, tests on PostgreSQL) each get their own
    /// database; without an override the embedded host gives each module a SQLite file in the data directory.
    /// </summary>
    public static Action<MappaDatabaseOptions> For(IMappaServiceModule module, ModuleContext context) => options =>
    {
        var own = context.Configuration.GetSection($"Mappa:Services:{module.Name}:Database");
        if (own.Exists())
        {
            own.Bind(options);
            return;
        }
        if (!context.Embedded)
        {
            return;
        }
        Directory.CreateDirectory(context.DataDirectory);
        options.Provider = DatabaseProvider.Sqlite;
        options.ConnectionString = $"Data Source={Path.Combine(context.DataDirectory, module.Name + ".db")}";
    };
}
