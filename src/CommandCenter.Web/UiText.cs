namespace CommandCenter.Web;

/// <summary>
/// Marker for the UI's text resources: Resources/UiText.resx holds the Chinese (zh-CN, the default),
/// Resources/UiText.en.resx the English.
/// </summary>
public sealed class UiText;
