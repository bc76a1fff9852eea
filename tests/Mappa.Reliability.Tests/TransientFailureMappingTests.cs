using System.Net.Sockets;
using Mappa.Grpc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mappa.Reliability.Tests;

/// <summary>A database that is down for a moment answers UNAVAILABLE (retryable), not INTERNAL.</summary>
public sealed class TransientFailureMappingTests
{
    [Fact]
    public void A_refused_database_connection_is_unavailable()
    {
        var failure = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

        var status = TransientFailureMapping.TryMap(failure);

        Assert.NotNull(status);
        Assert.Equal(StatusCode.Unavailable, status.StatusCode);
        Assert.Equal(TransientFailureMapping.Message, status.Detail);
    }

    [Fact]
    public void A_server_shutting_down_under_an_EF_Core_save_is_unavailable()
    {
        var shutdown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        var save = new DbUpdateException("An error occurred while saving the entity changes.", shutdown);

        Assert.Equal(StatusCode.Unavailable, TransientFailureMapping.TryMap(save)?.StatusCode);
    }

    [Fact]
    public void A_command_timeout_is_unavailable()
    {
        var timeout = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));

        Assert.Equal(StatusCode.Unavailable, TransientFailureMapping.TryMap(new InvalidOperationException("wrapped", timeout))?.StatusCode);
    }

    [Fact]
    public void A_constraint_violation_is_not_transient_and_is_left_to_the_other_mappings()
    {
        var duplicate = new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);

        Assert.Null(TransientFailureMapping.TryMap(new DbUpdateException("save failed", duplicate)));
        Assert.Null(TransientFailureMapping.TryMap(new InvalidOperationException("a bug")));
    }
}

public sealed class BrokenTransactionMappingTests
{
    [Fact]
    public void A_command_on_a_transaction_the_server_ended_is_unavailable()
    {
        // Npgsql's answer, with nothing inside, when the connection under a transaction was closed by a shutdown.
        Assert.Equal(StatusCode.Unavailable, TransientFailureMapping.TryMap(new InvalidOperationException("Transaction is already completed"))?.StatusCode);
    }

    [Fact]
    public void Another_invalid_operation_stays_internal()
    {
        Assert.Null(TransientFailureMapping.TryMap(new InvalidOperationException("Transaction is already completed", new ArgumentException("x"))));
        Assert.Null(TransientFailureMapping.TryMap(new InvalidOperationException("Sequence contains no elements")));
    }
}
