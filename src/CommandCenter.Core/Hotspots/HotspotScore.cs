using CommandCenter.Core.Alerts;
using CommandCenter.Core.Petitions;

namespace CommandCenter.Core.Hotspots;

/// <summary>What is burning in one node right now: its open alerts by severity, active petition warnings, overdue items.</summary>
public sealed record HotspotLoad(int General, int Major, int Serious, int Critical, int PetitionWarnings, int HighAttentionWarnings, int Overdue)
{
    public static HotspotLoad Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public int OpenAlerts => General + Major + Serious + Critical;

    /// <summary>
    /// 热度 = 1 × 一般 + 3 × 较大 + 6 × 重大 + 10 × 特别重大 (open alerts) + 5 × active petition warnings (+ 5 more when
    /// the attention level is high) + 2 × overdue open alerts. A group petition outweighs a handful of small cases; an
    /// overdue case weighs on top of its severity.
    /// </summary>
    public int Score => General + 3 * Major + 6 * Serious + 10 * Critical + 5 * PetitionWarnings + 5 * HighAttentionWarnings + 2 * Overdue;

    /// <summary>Counts an alert if it is open: by its severity, and once more as overdue when its stage deadline has passed.</summary>
    public HotspotLoad Add(Alert alert, DateTimeOffset now)
    {
        if (!alert.IsOpen)
        {
            return this;
        }

        var counted = alert.Severity switch
        {
            Severity.Major => this with { Major = Major + 1 },
            Severity.Serious => this with { Serious = Serious + 1 },
            Severity.Critical => this with { Critical = Critical + 1 },
            _ => this with { General = General + 1 },
        };
        return alert.StageDeadline is { } due && due < now ? counted with { Overdue = Overdue + 1 } : counted;
    }

    public HotspotLoad Add(PetitionWarning warning) => !warning.IsActive ? this : this with
    {
        PetitionWarnings = PetitionWarnings + 1,
        HighAttentionWarnings = HighAttentionWarnings + (warning.Attention == AttentionLevel.High ? 1 : 0),
    };
}
