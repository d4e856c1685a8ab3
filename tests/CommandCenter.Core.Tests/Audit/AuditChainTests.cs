using System.Security.Cryptography;
using System.Text;
using CommandCenter.Core.Audit;

namespace CommandCenter.Core.Tests.Audit;

/// <summary>
/// The seal of the audit trail: a fixed encoding of an entry's content, hashed with the hash of the entry before it
/// in its subject's trail. Every field counts, the link counts, and nothing the store cannot keep (sub-millisecond
/// time) does.
/// </summary>
public class AuditChainTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private static AuditEntry Entry(string? comment = "已派车", string actor = "李明", DateTimeOffset? at = null, long? subjectVersion = 3) => new()
    {
        Subject = AuditSubject.Alert,
        SubjectId = "0193a5c0-0000-7000-8000-000000000001",
        Action = AuditAction.Dispatch,
        Actor = actor,
        Seat = "Staff@330188001",
        At = at ?? _at,
        FromState = "Acknowledged",
        ToState = "Dispatched",
        Comment = comment,
        Deadline = _at.AddMinutes(60),
        PolicyVersion = 1,
        SubjectVersion = subjectVersion,
    };

    [Fact]
    public void HashOf_IsSha256OverTheCanonicalFormAndThePreviousHash()
    {
        var previous = SHA256.HashData("before"u8);
        var expected = SHA256.HashData([.. AuditChain.Canonical(Entry()), .. previous]);

        Assert.Equal(expected, AuditChain.HashOf(Entry(), previous));
    }

    [Fact]
    public void HashOf_TheFirstEntry_LinksToThirtyTwoZeroBytes() =>
        Assert.Equal(SHA256.HashData([.. AuditChain.Canonical(Entry()), .. new byte[32]]), AuditChain.HashOf(Entry(), null));

    [Fact]
    public void Canonical_IsVersionedLengthPrefixedUtf8InAFixedOrder()
    {
        var bytes = AuditChain.Canonical(Entry());

        Assert.Equal("cc-audit-1", Encoding.ASCII.GetString(bytes, 0, 10));
        Assert.Equal([1, 0, 0, 0, 5, .. "Alert"u8.ToArray()], bytes[10..20]);
    }

    [Fact]
    public void HashOf_AnyFieldChanged_ChangesTheHash()
    {
        var original = AuditChain.HashOf(Entry(), null);
        AuditEntry[] changed =
        [
            Entry(comment: "已派车。"), Entry(actor: "王芳"), Entry(at: _at.AddMilliseconds(1)), Entry(subjectVersion: 4),
            Entry(comment: null), Entry(subjectVersion: null),
        ];

        Assert.All(changed, entry => Assert.NotEqual(original, AuditChain.HashOf(entry, null)));
    }

    [Fact]
    public void Canonical_AnEmptyTextAndNoText_Differ() =>
        Assert.NotEqual(AuditChain.Canonical(Entry(comment: "")), AuditChain.Canonical(Entry(comment: null)));

    [Fact]
    public void Canonical_TextMovedBetweenNeighbouringFields_Differs()
    {
        // Without length prefixes "李明" + "Staff@…" and "李" + "明Staff@…" would encode alike.
        var moved = Entry(actor: "李");
        moved = new AuditEntry
        {
            Subject = moved.Subject, SubjectId = moved.SubjectId, Action = moved.Action, Actor = "李", Seat = "明Staff@330188001",
            At = moved.At, FromState = moved.FromState, ToState = moved.ToState, Comment = moved.Comment, Deadline = moved.Deadline,
            PolicyVersion = moved.PolicyVersion, SubjectVersion = moved.SubjectVersion,
        };

        Assert.NotEqual(AuditChain.Canonical(Entry()), AuditChain.Canonical(moved));
    }

    [Fact]
    public void HashOf_AnotherPreviousHash_ChangesTheHash() =>
        Assert.NotEqual(AuditChain.HashOf(Entry(), SHA256.HashData("a"u8)), AuditChain.HashOf(Entry(), SHA256.HashData("b"u8)));

    [Fact]
    public void HashOf_TimeBelowAMillisecond_DoesNotCount_TheStoreKeepsMilliseconds() =>
        Assert.Equal(AuditChain.HashOf(Entry(), null), AuditChain.HashOf(Entry(at: _at.AddTicks(9_999)), null));

    [Fact]
    public void HashOf_APreviousHashOfTheWrongLength_IsRefused() =>
        Assert.Throws<ArgumentException>(() => AuditChain.HashOf(Entry(), new byte[31]));

    [Fact]
    public void SealAfter_ThenHolds_OnlyForTheSamePreviousHashAndContent()
    {
        var previous = SHA256.HashData("before"u8);
        var entry = Entry();
        entry.SealAfter(previous);

        Assert.True(AuditChain.Holds(entry, previous));
        Assert.False(AuditChain.Holds(entry, null));
        Assert.False(AuditChain.Holds(Entry(), previous)); // never sealed
    }
}
