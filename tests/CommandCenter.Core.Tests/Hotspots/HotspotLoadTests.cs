using CommandCenter.Core.Hotspots;

namespace CommandCenter.Core.Tests.Hotspots;

public class HotspotLoadTests
{
    [Fact]
    public void Score_WeighsSeverityPetitionsAndOverdue()
    {
        var load = new HotspotLoad(General: 4, Major: 2, Serious: 1, Critical: 1, PetitionWarnings: 2, HighAttentionWarnings: 1, Overdue: 3);

        // 4×1 + 2×3 + 1×6 + 1×10 + 2×5 + 1×5 + 3×2
        Assert.Equal(47, load.Score);
        Assert.Equal(8, load.OpenAlerts);
    }

    [Fact]
    public void Score_OneGroupPetitionOutweighsFourSmallCases()
    {
        Assert.True(new HotspotLoad(0, 0, 0, 0, 1, 0, 0).Score > new HotspotLoad(4, 0, 0, 0, 0, 0, 0).Score);
    }

    [Fact]
    public void Empty_ScoresZero()
    {
        Assert.Equal(0, HotspotLoad.Empty.Score);
    }
}
