using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CommandCenter.Core.Audit;

/// <summary>
/// The audit trail's seal. Each subject (an alert, a team, a user…) has its own trail, in the order the store wrote
/// its entries; an entry's hash is SHA-256 over its content and the hash of the entry before it in that trail. Editing
/// an entry changes its hash; deleting one breaks the link of the entry after it.
/// </summary>
public static class AuditChain
{
    public const int HashLength = 32;

    /// <summary>Starts every encoding, so a later change of the encoding cannot be mistaken for this one.</summary>
    private static readonly byte[] Version1 = "cc-audit-1"u8.ToArray();

    /// <summary>What an opening entry links to: no entry before it.</summary>
    private static readonly byte[] NoPrevious = new byte[HashLength];

    /// <summary>The hash of <paramref name="entry"/> following <paramref name="previousHash"/> (null: the trail's first entry).</summary>
    public static byte[] HashOf(AuditEntry entry, byte[]? previousHash)
    {
        if (previousHash is { Length: not HashLength })
        {
            throw new ArgumentException($"A previous hash is {HashLength} bytes, not {previousHash.Length}.", nameof(previousHash));
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Canonical(entry));
        sha.AppendData(previousHash ?? NoPrevious);
        return sha.GetHashAndReset();
    }

    /// <summary>Whether <paramref name="entry"/>'s stored hash is its content following <paramref name="previousHash"/>.</summary>
    public static bool Holds(AuditEntry entry, byte[]? previousHash) =>
        entry.Hash is { } hash && CryptographicOperations.FixedTimeEquals(hash, HashOf(entry, previousHash));

    /// <summary>
    /// The entry's content as bytes, field by field in a fixed order: each field marked present or absent, text as
    /// length-prefixed UTF-8, numbers big-endian, times as Unix milliseconds (what the store keeps, so an entry hashes
    /// the same before it is written and after it is read back). The store's row id is not part of it: an entry's
    /// place is its link.
    /// </summary>
    public static byte[] Canonical(AuditEntry entry)
    {
        var buffer = new MemoryStream(256);
        buffer.Write(Version1);
        Text(buffer, entry.Subject.ToString());
        Text(buffer, entry.SubjectId);
        Text(buffer, entry.Action.ToString());
        Text(buffer, entry.Actor);
        Text(buffer, entry.Seat);
        Number(buffer, entry.At.ToUnixTimeMilliseconds());
        Text(buffer, entry.FromState);
        Text(buffer, entry.ToState);
        Text(buffer, entry.Comment);
        Number(buffer, entry.Deadline?.ToUnixTimeMilliseconds());
        Number(buffer, entry.PolicyVersion);
        Number(buffer, entry.SubjectVersion);
        return buffer.ToArray();
    }

    private static void Text(MemoryStream buffer, string? value)
    {
        if (value is null)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }

    private static void Number(MemoryStream buffer, long? value)
    {
        if (value is not { } number)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, number);
        buffer.Write(bytes);
    }
}
