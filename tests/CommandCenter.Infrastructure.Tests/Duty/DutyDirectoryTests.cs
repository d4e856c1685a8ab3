using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Duty;

/// <summary><see cref="DutyDirectory"/> on a real store: a roster stored as its document reads back as the same roster.</summary>
public sealed class DutyDirectoryTests
{
    private const string Hubin = "330188001";

    [Fact]
    public async Task OnDutyAsync_StoredRoster_ReadsBackShiftsRotationAndSwaps()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        DutyShift[] shifts = [new("白班", new TimeOnly(8, 0), new TimeOnly(20, 0)), new("夜班", new TimeOnly(20, 0), new TimeOnly(8, 0))];
        var zhang = new DutyPerson("张伟", "13800000001", "hubin-duty");
        var li = new DutyPerson("李娜", "13800000002");
        var leader = new DutyPerson("王强", "13900000001");
        var rotation = new DutyRotation(new DateOnly(2026, 11, 1), [
            new Dictionary<string, DutyCrew> { ["白班"] = new([zhang], leader), ["夜班"] = new([li], null) },
        ]);
        var roster = new DutyRoster(Hubin, shifts, rotation, [new DutySwap(new DateOnly(2026, 11, 27), "白班", "张伟", li)]);
        await using (var db = host.NewDbContext())
        {
            db.DutyRosters.Add(new DutyRosterRecord
            {
                NodeCode = Hubin,
                Document = DutyRosterDocument.Of(roster).ToJson(),
                UpdatedAt = StoreHost.Start,
                UpdatedBy = "admin",
            });
            await db.SaveChangesAsync();
        }

        IDutyDirectory directory = host.Get<IDutyDirectory>();
        var swapped = await directory.OnDutyAsync(Hubin, StoreHost.Start, CancellationToken.None);
        var nextNight = await directory.OnDutyAsync(Hubin, StoreHost.Start.AddHours(14), CancellationToken.None);

        Assert.NotNull(swapped);
        Assert.Equal("白班", swapped.Shift.Name);
        Assert.Equal([li], swapped.Crew.OnDuty);
        Assert.Equal(leader, swapped.Crew.Leader);
        Assert.NotNull(nextNight);
        Assert.Equal(("夜班", new DateOnly(2026, 11, 27)), (nextNight.Shift.Name, nextNight.Day));
        Assert.Null(await directory.OnDutyAsync("330188002", StoreHost.Start, CancellationToken.None));
    }
}
