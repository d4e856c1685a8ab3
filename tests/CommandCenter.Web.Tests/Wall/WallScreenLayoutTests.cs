using System.Reflection;
using Bunit;
using CommandCenter.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// The wall page's layout brings the dark theme's style as one string shared by every wall, and no MudBlazor provider
/// of its own (the wall shows no MudBlazor component), to keep memory per wall circuit low
/// (wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md).
/// </summary>
public sealed class WallScreenLayoutTests : WallTestContext
{
    private static readonly RenderFragment Page = builder => builder.AddMarkupContent(0, "<main>墙</main>");

    public WallScreenLayoutTests() => Services.AddSingleton<ThemeStyle>();

    [Fact]
    public async Task ThemeStyle_IsWhatMudThemeProviderWritesForTheWallTheme()
    {
        var provider = Render<MudThemeProvider>(p => p.Add(c => c.Theme, WallTheme.Theme).Add(c => c.IsDarkMode, true));

        var style = await Services.GetRequiredService<ThemeStyle>().WallAsync();

        Assert.Equal(provider.Markup, style.Value);
        Assert.Contains("--mud-palette-background: rgba(6,11,24,1);", style.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_RendersTheThemeAndThePageWithoutMudBlazorProviders()
    {
        var cut = Render<WallScreenLayout>(p => p.Add(c => c.Body, Page));

        cut.WaitForAssertion(() => Assert.Contains("class='mud-theme-provider'", cut.Markup, StringComparison.Ordinal));
        Assert.Equal("墙", cut.Find("main").TextContent);
        Assert.Empty(cut.FindComponents<MudThemeProvider>());
        Assert.Empty(cut.FindComponents<MudPopoverProvider>());
    }

    [Fact]
    public async Task Layout_TwoWalls_HoldTheSameStyleString()
    {
        var first = new CircuitRenderer(Services);
        var second = new CircuitRenderer(Services);

        await first.RenderAsync<WallScreenLayout>(new Dictionary<string, object?> { ["Body"] = Page });
        await second.RenderAsync<WallScreenLayout>(new Dictionary<string, object?> { ["Body"] = Page });

        var style = first.Markup().Single(m => m.Contains("mud-theme-provider", StringComparison.Ordinal));
        Assert.Same(style, second.Markup().Single(m => m.Contains("mud-theme-provider", StringComparison.Ordinal)));
    }

    [Fact]
    public void WallPage_UsesTheWallScreenLayout() =>
        Assert.Equal(typeof(WallScreenLayout), typeof(Components.Pages.Wall).GetCustomAttribute<LayoutAttribute>()?.LayoutType);
}
