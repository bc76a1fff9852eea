using Mappa.Core.Errors;
using Mappa.Events;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Inbox;
using Mappa.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mappa.Messaging.Persistence;

/// <summary>
/// Base of every service's DbContext: brings the outbox and inbox tables, and makes one
/// <c>SaveChangesAsync</c> commit the data change and the events recorded with <see cref="RecordEvent"/> together.
/// A derived context needs a constructor taking <c>DbContextOptions&lt;TContext&gt;</c> and must call
/// <c>base.OnModelCreating</c>.
/// </summary>
public abstract class MappaDbContext(DbContextOptions options) : DbContext(options)
{
    private readonly List<DomainEvent> _recordedEvents = [];

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    /// <summary>Events recorded but not yet saved.</summary>
    public IReadOnlyList<DomainEvent> RecordedEvents => _recordedEvents;

    /// <summary>Set when a save wrote outbox rows; the commit interceptor wakes the relay and clears it.</summary>
    internal bool WroteOutboxRows { get; set; }

    /// <summary>
    /// Records an event to be published once the next <c>SaveChangesAsync</c> (and the surrounding transaction, if any)
    /// commits. Nothing is published if the transaction rolls back.
    /// </summary>
    /// <exception cref="ValidationFailedException">The envelope is incomplete or its additional information too large.</exception>
    public void RecordEvent(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        DomainEventTypeAttribute.Of(domainEvent.GetType()); // throws for a record without its wire name
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(domainEvent.Subject?.SubjectId))
            violations.Add(new FieldViolation("subject.subject_id", "An event must name the subject it is about."));
        if (string.IsNullOrWhiteSpace(domainEvent.Detail?.Method) || string.IsNullOrWhiteSpace(domainEvent.Detail?.Id))
            violations.Add(new FieldViolation("detail", "An event must say which RPC returns its detail."));
        if (domainEvent.AdditionalInformation is { } extra && AdditionalInformationLimits.FindViolation(extra) is { } tooBig)
            violations.Add(new FieldViolation("additional_information", tooBig));
        if (domainEvent.EventId == Guid.Empty)
            violations.Add(new FieldViolation("event_id", "An event needs a non-empty id."));
        if (violations.Count > 0) throw new ValidationFailedException(violations);
        _recordedEvents.Add(domainEvent);
    }

    /// <summary>Forgets events recorded since the last save, e.g. before retrying a unit of work from scratch.</summary>
    public void DiscardRecordedEvents() => _recordedEvents.Clear();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        MessagingModel.Apply(modelBuilder, sqlite: Database.IsSqlite());

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_recordedEvents.Count == 0) return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        var events = _recordedEvents.ToArray();
        var isPostgres = Database.IsNpgsql();
        var write = new OutboxWrite(SqlDialect.For(isPostgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite), events, DateTimeOffset.UtcNow);
        var written = isPostgres && OutboxInterceptor is { } interceptor
            ? await SaveWithOutboxInDataCommandAsync(write, interceptor, acceptAllChangesOnSuccess, cancellationToken)
            : await SaveWithOutboxCommandAsync(write, acceptAllChangesOnSuccess, cancellationToken);
        // Cleared only now: if the save or commit failed, the caller may fix and save again without re-recording.
        _recordedEvents.Clear();
        return written + events.Length;
    }

    /// <summary>The outbox write waiting for the data command of the save in progress (PostgreSQL).</summary>
    internal OutboxWrite? PendingOutboxWrite { get; private set; }

    // PostgreSQL: the interceptor appends the outbox statements to the first command EF sends, so the save costs the
    // round trips EF needs anyway. Atomic in every case: EF sends a single command without a transaction only when the
    // whole save is that command, and PostgreSQL runs a multi-statement command (one Sync) as one implicit
    // transaction; otherwise the statements join the caller's or EF's own transaction. The counter row locks are
    // held until that transaction ends, as before.
    private async Task<int> SaveWithOutboxInDataCommandAsync(OutboxWrite write, IOutboxInterceptor interceptor,
        bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        WroteOutboxRows = true;
        PendingOutboxWrite = write;
        int written;
        try
        {
            written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (!write.Sent)
            {
                // Events without any data change: EF sent nothing, so the outbox statements go on their own.
                await Database.OpenConnectionAsync(cancellationToken);
                try
                {
                    await write.ExecuteAsync(Database.GetDbConnection(), Database.CurrentTransaction?.GetDbTransaction(), cancellationToken);
                }
                finally
                {
                    await Database.CloseConnectionAsync();
                }
            }
        }
        catch
        {
            if (Database.CurrentTransaction is null) WroteOutboxRows = false;
            throw;
        }
        finally
        {
            PendingOutboxWrite = null;
        }
        // With a transaction still open (the caller's), the commit interceptor pulses when it commits.
        if (Database.CurrentTransaction is null && WroteOutboxRows)
        {
            WroteOutboxRows = false;
            interceptor.Pulse();
        }
        return written;
    }

    // SQLite, or a context built without AddMappaDatabase's interceptor: data, then the outbox command, in one
    // transaction (SQLite is in-process, so the extra command costs no round trip).
    private async Task<int> SaveWithOutboxCommandAsync(OutboxWrite write, bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var ownTransaction = Database.CurrentTransaction is null
            ? await Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await write.ExecuteAsync(Database.GetDbConnection(), Database.CurrentTransaction!.GetDbTransaction(), cancellationToken);
            WroteOutboxRows = true;
            if (ownTransaction is not null) await ownTransaction.CommitAsync(cancellationToken);
            return written;
        }
        finally
        {
            if (ownTransaction is not null) await ownTransaction.DisposeAsync();
        }
    }

    private IOutboxInterceptor? _outboxInterceptor;
    private bool _outboxInterceptorLookedUp;

    private IOutboxInterceptor? OutboxInterceptor
    {
        get
        {
            if (!_outboxInterceptorLookedUp)
            {
                _outboxInterceptor = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
                    .OfType<IOutboxInterceptor>().FirstOrDefault();
                _outboxInterceptorLookedUp = true;
            }
            return _outboxInterceptor;
        }
    }

    // Contexts are pooled (AddMappaDatabase): one that goes back to the pool, or is disposed, must not carry events
    // recorded and never saved into the next unit of work.
    private void ForgetUnitOfWork()
    {
        _recordedEvents.Clear();
        WroteOutboxRows = false;
        PendingOutboxWrite = null;
    }

    public override void Dispose()
    {
        ForgetUnitOfWork();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        ForgetUnitOfWork();
        return base.DisposeAsync();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        _recordedEvents.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            // The outbox write is async-only; a synchronous save with events blocks on it rather than dropping them.
            : SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();
}
