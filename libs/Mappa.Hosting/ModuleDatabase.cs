using Mappa.Messaging.Configuration;

namespace Mappa.Hosting;

public static class ModuleDatabase
{
    /// <summary>
    /// Gives each module of the embedded host its own SQLite file in the data directory; a standalone service keeps
    /// what Mappa:Database configures.
    /// </summary>
    public static Action<MappaDatabaseOptions> For(IMappaServiceModule module, ModuleContext context) => options =>
    {
        if (!context.Embedded)
        {
            return;
        }
        Directory.CreateDirectory(context.DataDirectory);
        options.Provider = DatabaseProvider.Sqlite;
        options.ConnectionString = $"Data Source={Path.Combine(context.DataDirectory, module.Name + ".db")}";
    };
}
