using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Duty;

/// <summary>The rosters in the store. Read per call: a roster is one small row, and an edit must count at once.</summary>
public sealed class DutyDirectory(IDbContextFactory<CommandCenterDbContext> contexts) : IDutyDirectory
{
    public async Task<DutyRoster?> RosterOfAsync(string nodeCode, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.DutyRosters.AsNoTracking().SingleOrDefaultAsync(r => r.NodeCode == nodeCode, cancellationToken);
        return record?.ToRoster();
    }
}
