namespace CommandCenter.Web;

/// <summary>
/// Marker for the administration pages' text resources: Resources/AdminText.resx holds the Chinese (zh-CN, the
/// default), Resources/AdminText.en.resx the English. Kept apart from <see cref="UiText"/> so each admin area edits its own file.
/// </summary>
public sealed class AdminText;
