using MudBlazor;

namespace CommandCenter.Web.Components.Layout;

/// <summary>The wall's dark theme: deep blue-black, high-contrast text, severity colours kept for data.</summary>
public static class WallTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Background = "#060b18",
            Surface = "#0c1529",
            AppbarBackground = "#0c1529",
            TextPrimary = "#e6edf7",
            TextSecondary = "#9fb0c8",
            Primary = "#3ea6ff",
            Secondary = "#00d1b2",
            Warning = "#ffb020",
            Error = "#ff4d4f",
            Success = "#2ecc71",
            LinesDefault = "#1d2b47",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"] },
        },
    };
}
