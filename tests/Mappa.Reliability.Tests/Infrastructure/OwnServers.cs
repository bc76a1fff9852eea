using System.Diagnostics;
using System.Text.RegularExpressions;
using Mappa.Testing;
using Npgsql;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL and a RabbitMQ of this test run's own (scripts/postgres.sh and scripts/rabbitmq.sh with a private
/// MAPPA_SERVERS_DIR and ports), so the tests may stop and restart them. The shared servers of ./test.sh are never
/// touched.
/// </summary>
public sealed partial class OwnServers : IAsyncDisposable
{
    private OwnServers(string directory) => Directory = directory;

    /// <summary>MAPPA_SERVERS_DIR of these servers.</summary>
    public string Directory { get; }

    public string PostgresConnectionString { get; private set; } = "";

    public Uri RabbitMq { get; private set; } = null!;

    public Uri RabbitMqManagement { get; private set; } = null!;

    private string PostgresDirectory => Path.Combine(Directory, "postgres");

    public static async Task<OwnServers> StartAsync()
    {
        // The ports are picked from a range other programs' outgoing connections may also use, so a port found free
        // can be taken before a server binds it (RabbitMQ's epmd and distribution ports especially): try elsewhere.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync();
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<OwnServers> StartOnceAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mappa-reliability-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        System.IO.Directory.CreateDirectory(directory);
        var servers = new OwnServers(directory);
        try
        {
            // Ports away from the shared servers' defaults (5567x, 55432); the scripts move on when one is taken.
            var basePort = 56100 + Random.Shared.Next(0, 180) * 5;
            var postgres = await servers.ScriptAsync("postgres.sh", ["start"], new() { ["MAPPA_POSTGRES_PORT"] = basePort.ToString() });
            servers.PostgresConnectionString = Export(postgres, "MAPPA_TEST_POSTGRES");
            var rabbit = await servers.ScriptAsync("rabbitmq.sh", ["start"], new()
            {
                ["MAPPA_RABBITMQ_PORT"] = (basePort + 1).ToString(),
                ["MAPPA_RABBITMQ_MANAGEMENT_PORT"] = (basePort + 2).ToString(),
                ["MAPPA_RABBITMQ_DIST_PORT"] = (basePort + 3).ToString(),
                ["MAPPA_RABBITMQ_EPMD_PORT"] = (basePort + 4).ToString(),
            });
            servers.RabbitMq = new Uri(Export(rabbit, "MAPPA_TEST_RABBITMQ"));
            servers.RabbitMqManagement = new Uri(Export(rabbit, "MAPPA_TEST_RABBITMQ_MANAGEMENT"));
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a database and returns a connection string to it (as the service's configuration takes it).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the broker's RabbitMQ application (its listeners close, its node and data stay): a broker outage.</summary>
    public Task StopBrokerAsync() => ScriptAsync("rabbitmq.sh", ["ctl", "-q", "stop_app"]);

    /// <summary>Starts the broker's application again and waits until it has booted.</summary>
    public async Task StartBrokerAsync()
    {
        await ScriptAsync("rabbitmq.sh", ["ctl", "-q", "start_app"]);
        await ScriptAsync("rabbitmq.sh", ["ctl", "-q", "await_startup", "--timeout", "120"]);
    }

    /// <summary>Stops PostgreSQL (fast shutdown: sessions are ended, as in a restart); its data stays.</summary>
    public async Task StopPostgresAsync()
    {
        await PgCtlAsync(["-D", Path.Combine(PostgresDirectory, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);
    }

    /// <summary>Starts PostgreSQL again on the same port and data, with the options scripts/postgres.sh uses.</summary>
    public async Task StartPostgresAsync()
    {
        var port = new NpgsqlConnectionStringBuilder(PostgresConnectionString).Port;
        var data = Path.Combine(PostgresDirectory, "data");
        await PgCtlAsync(["-D", data, "-l", Path.Combine(PostgresDirectory, "server.log"), "-w", "-t", "60", "-o",
            $"-p {port} -k {PostgresDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            "start"]);
        // scripts/postgres.sh stops the server by this pid file: keep it current.
        var pid = (await File.ReadAllLinesAsync(Path.Combine(data, "postmaster.pid")))[0];
        await File.WriteAllTextAsync(Path.Combine(PostgresDirectory, "server.pid"), pid + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var script in new[] { "rabbitmq.sh", "postgres.sh" })
        {
            try
            {
                await ScriptAsync(script, ["stop"]);
            }
            catch (Exception failure)
            {
                Console.Error.WriteLine($"reliability tests: {script} stop failed: {failure.Message}");
            }
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception)
        {
            // Left for the OS's temp cleanup.
        }
    }

    private async Task PgCtlAsync(IReadOnlyList<string> arguments)
    {
        var pgCtl = Path.Combine(PostgresBin(), "pg_ctl");
        var asRoot = Environment.UserName == "root";
        var file = asRoot ? "runuser" : pgCtl;
        var all = new List<string>();
        if (asRoot)
        {
            all.AddRange(["-u", "postgres", "--", "env", $"MAPPA_SERVER_MARK={PostgresDirectory}", pgCtl]);
        }
        all.AddRange(arguments);
        await RunAsync(file, all, new());
    }

    private static string PostgresBin()
    {
        if (Environment.GetEnvironmentVariable("MAPPA_POSTGRES_BIN") is { Length: > 0 } configured) return configured;
        if (File.Exists("/usr/lib/postgresql/15/bin/pg_ctl")) return "/usr/lib/postgresql/15/bin";
        return System.IO.Directory.GetDirectories("/usr/lib/postgresql").Order().Last() + "/bin";
    }

    private Task<string> ScriptAsync(string script, IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        environment["MAPPA_SERVERS_DIR"] = Directory;
        return RunAsync(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", script), arguments, environment);
    }

    private Task<string> ScriptAsync(string script, IReadOnlyList<string> arguments) => ScriptAsync(script, arguments, new());

    private static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestEnvironment.RepositoryRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        }
        return await output;
    }

    private static string Export(string output, string name) =>
        ExportLine().Matches(output).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value
        ?? throw new InvalidOperationException($"The script printed no {name}: {output}");

    [GeneratedRegex("export ([A-Z_]+)='([^']*)'")]
    private static partial Regex ExportLine();
}
