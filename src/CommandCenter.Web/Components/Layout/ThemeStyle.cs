using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace CommandCenter.Web.Components.Layout;

/// <summary>
/// The wall theme's style exactly as <see cref="MudThemeProvider"/> writes it, rendered once for the process. The wall
/// page uses no MudBlazor component, only the theme's variables (through MudBlazor's base styles for the body, links
/// and the reconnect dialog); a provider in every wall circuit kept its own 25 KB copy of this style, its palettes
/// and a popover service. Why memory per wall matters:
/// wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md.
/// </summary>
public sealed class ThemeStyle(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly Lazy<Task<MarkupString>> _wall = new(() => RenderAsync(scopes, loggers, WallTheme.Theme));

    /// <summary>The <c>&lt;style&gt;</c> blocks for <see cref="WallTheme"/> in dark mode, one instance for every wall.</summary>
    public Task<MarkupString> WallAsync() => _wall.Value;

    private static async Task<MarkupString> RenderAsync(IServiceScopeFactory scopes, ILoggerFactory loggers, MudTheme theme)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = theme,
                [nameof(MudThemeProvider.IsDarkMode)] = true,
            }));
            return output.ToHtmlString();
        });
        return new MarkupString(html);
    }
}
