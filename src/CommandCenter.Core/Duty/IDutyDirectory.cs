namespace CommandCenter.Core.Duty;

/// <summary>Who is on duty where: the rosters as the store holds them, read at an instant.</summary>
public interface IDutyDirectory
{
    /// <summary>The roster of <paramref name="nodeCode"/>, or null when the node keeps none.</summary>
    Task<DutyRoster?> RosterOfAsync(string nodeCode, CancellationToken cancellationToken);

    /// <summary>
    /// The watch at <paramref name="nodeCode"/> at <paramref name="instant"/>; null when the node keeps no roster or
    /// no shift covers the instant (<see cref="DutyWatch.IsUnmanned"/> tells a shift that nobody holds).
    /// </summary>
    async Task<DutyWatch?> OnDutyAsync(string nodeCode, DateTimeOffset instant, CancellationToken cancellationToken) =>
        (await RosterOfAsync(nodeCode, cancellationToken))?.At(instant);
}
