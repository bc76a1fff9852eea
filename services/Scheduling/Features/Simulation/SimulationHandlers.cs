using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Core.Errors;
using Mappa.Grpc.Server;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;

namespace Mappa.Scheduling.Features.Simulation;

/// <summary>mappa.scheduling.v1.SimulationService: moves the simulated scheduling clock for demos and tests.</summary>
public sealed class SimulationHandlers(SchedulingClock clock, MilestonePublisher publisher)
{
    public static void Bind(GrpcServiceBinder<SimulationHandlers> service)
    {
        service.Unary<AdvanceClockRequest, AdvanceClockResponse>("AdvanceClock", (h, request, context) => h.Advance(request, context));
        service.Unary<GetClockRequest, GetClockResponse>("GetClock", (h, _, _) => Task.FromResult(h.Get()));
    }

    private async Task<AdvanceClockResponse> Advance(AdvanceClockRequest request, ServerCallContext context)
    {
        var simulated = clock.Simulated
            ?? throw new PreconditionFailedException("CLOCK_NOT_SIMULATED", "The scheduling clock is the system clock; it can only be advanced when Mappa:Scheduling:Clock is Simulated.");
        var now = simulated.GetUtcNow();
        var violations = new List<FieldViolation>();
        if ((request.AdvanceBy is null) == (request.AdvanceTo is null))
            violations.Add(new("advance_by", "Give exactly one of advance_by and advance_to."));
        else if (request.AdvanceBy is { } by && by.ToTimeSpan() <= TimeSpan.Zero)
            violations.Add(new("advance_by", "Must be positive."));
        else if (request.AdvanceTo is { } to && to.ToDateTimeOffset() < now)
            violations.Add(new("advance_to", "The clock never goes back."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);

        if (request.AdvanceBy is { } advanceBy)
            simulated.Advance(advanceBy.ToTimeSpan());
        else
            simulated.SetUtcNow(request.AdvanceTo!.ToDateTimeOffset());
        var recorded = await publisher.SweepAsync(context.CancellationToken);
        return new AdvanceClockResponse { Now = Timestamp.FromDateTimeOffset(simulated.GetUtcNow()), MilestonesRecorded = recorded };
    }

    private GetClockResponse Get() => new() { Now = Timestamp.FromDateTimeOffset(clock.Now), Simulated = clock.Simulated is not null };
}
