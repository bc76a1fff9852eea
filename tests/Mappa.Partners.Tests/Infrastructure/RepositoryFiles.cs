namespace Mappa.Partners.Tests.Infrastructure;

/// <summary>Files of the repository the tests read (deploy/partners.yaml, docs/events, samples), found from the test's folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Mappa.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Mappa.sln above {AppContext.BaseDirectory}.");
    }
}
