namespace Mappa.Interop.Tests.Infrastructure;

/// <summary>Where the real peers live. ./test.sh sets these; a missing one fails the test, never skips it.</summary>
public static class TestEnvironment
{
    public static string Python => Required("MAPPA_TEST_PYTHON");

    public static string NodeModules => Required("MAPPA_TEST_NODE_MODULES");

    /// <summary>The repository root (the folder holding Mappa.sln), found from the test assembly's location.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string TestProjectDirectory => Path.Combine(RepositoryRoot, "tests", "Mappa.Interop.Tests");

    private static string Required(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"Environment variable {name} is not set. Run the tests through ./test.sh, which installs the interop peers and sets it.");
        }
        return value;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mappa.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Mappa.sln above {AppContext.BaseDirectory}.");
    }
}
