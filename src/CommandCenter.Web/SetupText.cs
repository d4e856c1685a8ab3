namespace CommandCenter.Web;

/// <summary>
/// Marker for the text of the setup pages (teams, escalation policy) and of their refusals: Resources/SetupText.resx
/// holds the Chinese (zh-CN, the default), Resources/SetupText.en.resx the English.
/// </summary>
public sealed class SetupText;
