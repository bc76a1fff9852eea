namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>The real servers the integration tests use; ./test.sh starts them and exports these variables.</summary>
public static class TestServers
{
    public static string Postgres => Required("MAPPA_TEST_POSTGRES");
    public static Uri RabbitMq => new(Required("MAPPA_TEST_RABBITMQ"));
    public static Uri RabbitMqManagement => new(Required("MAPPA_TEST_RABBITMQ_MANAGEMENT"));
    public static string Python => Required("MAPPA_TEST_PYTHON");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Environment variable {name} is not set. Run the tests through ./test.sh, which starts PostgreSQL and " +
                "RabbitMQ and exports MAPPA_TEST_POSTGRES, MAPPA_TEST_RABBITMQ, MAPPA_TEST_RABBITMQ_MANAGEMENT and MAPPA_TEST_PYTHON.");
}
