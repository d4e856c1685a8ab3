using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Access;

/// <summary>
/// Passwords an administrator hands over once (by phone, on paper): random, meeting the password policy, and without
/// characters that read alike (0/O, 1/l/I), since a person types them from what they were told.
/// </summary>
public static class OneTimePasswords
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnpqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "#%+=@!";

    /// <summary>At least 12 characters and 4 more than the policy asks, with one of every class the policy may require.</summary>
    public static string Generate(PasswordOptions policy)
    {
        var length = Math.Max(12, policy.RequiredLength + 4);
        var all = Upper + Lower + Digits + Symbols;
        var chars = new List<char>(length)
        {
            Pick(Upper),
            Pick(Lower),
            Pick(Digits),
            Pick(Symbols),
        };
        while (chars.Count < length)
        {
            chars.Add(Pick(all));
        }

        // The four guaranteed classes must not always sit at the front. A letter does, though: a password starting
        // with + = or @ is read as a formula by a spreadsheet opening the passwords file, or escaped with a quote.
        var shuffled = chars.ToArray();
        RandomNumberGenerator.Shuffle(shuffled.AsSpan());
        var letter = Array.FindIndex(shuffled, char.IsAsciiLetter);
        (shuffled[0], shuffled[letter]) = (shuffled[letter], shuffled[0]);
        return new string(shuffled);
    }

    private static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];
}
