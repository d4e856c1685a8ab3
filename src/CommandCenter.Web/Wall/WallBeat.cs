namespace CommandCenter.Web.Wall;

/// <summary>
/// How the wall moves: what must catch the eye — the live dot, new major events on the map — alternates with the
/// second the page renders at, instead of running CSS animations. Any running CSS animation keeps the browser drawing
/// 60 frames a second: five walls with a blinking dot, pulsing markers and fading rows held headless Chromium at
/// about 1.6 of 2 cores and made what the walls showed up to a second late. The beat costs one paint a second, which
/// the clock needs anyway (data renders come on top, at most four a second). The live dot blinks only while data is
/// fresh: a wall that is no longer fed shows a steady red notice instead.
/// </summary>
public static class WallBeat
{
    /// <summary>The class for emphasis that alternates each second: <c>beat</c> on even seconds, none on odd ones.</summary>
    public static string Class(DateTimeOffset now) => now.ToUnixTimeSeconds() % 2 == 0 ? "beat" : "";
}
