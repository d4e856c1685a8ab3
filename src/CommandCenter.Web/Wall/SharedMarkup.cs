using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Wall;

/// <summary>
/// Markup that every wall showing the same thing shares, to keep memory per wall circuit low. A component that draws
/// hundreds of elements keeps them twice in its circuit — the current and the previous render tree — with a string
/// per attribute; drawn as one <see cref="MarkupString"/> it keeps a frame pointing at a string that all circuits
/// asking with equal input get back, the very same instance. See
/// wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md.
/// </summary>
/// <remarks>
/// The last few inputs are kept, most recent first, so walls of different scopes or languages taking turns do not
/// rebuild for each other. Building runs outside the lock; two walls missing at once may build twice, and the first
/// kept wins. A key must be a snapshot (arrays copied from the view), compared by value.
/// </remarks>
public sealed class SharedMarkup<TKey>(int capacity = 4)
    where TKey : IEquatable<TKey>
{
    private readonly Lock _lock = new();
    private readonly List<(TKey Key, MarkupString Markup)> _entries = [];

    /// <summary>How many times markup was built: tests check that equal input did not build again.</summary>
    internal int Builds { get; private set; }

    public MarkupString For(TKey key, Func<TKey, string> build)
    {
        lock (_lock)
        {
            if (Find(key) is { } hit)
            {
                return hit;
            }
        }

        var built = new MarkupString(build(key));
        lock (_lock)
        {
            if (Find(key) is { } raced)
            {
                return raced;
            }

            Builds++;
            _entries.Insert(0, (key, built));
            if (_entries.Count > capacity)
            {
                _entries.RemoveAt(_entries.Count - 1);
            }

            return built;
        }
    }

    private MarkupString? Find(TKey key)
    {
        var index = _entries.FindIndex(e => e.Key.Equals(key));
        if (index < 0)
        {
            return null;
        }

        var entry = _entries[index];
        if (index > 0)
        {
            _entries.RemoveAt(index);
            _entries.Insert(0, entry);
        }

        return entry.Markup;
    }
}

/// <summary>Writing markup by hand: text and attribute values encoded once, here.</summary>
public static class MarkupText
{
    /// <summary>
    /// Escapes what HTML needs escaped (<c>&lt; &gt; &amp; " '</c> and controls) and leaves Chinese as it is: the
    /// default encoder would write every Han character as a numeric entity, tripling the size of a map's names.
    /// </summary>
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string text) => Encoder.Encode(text);
}
