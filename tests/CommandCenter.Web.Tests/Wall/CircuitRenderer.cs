using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.Logging.Abstractions;

// What a circuit keeps is its render tree: a test of that has to read frames, which Blazor keeps to itself.
#pragma warning disable BL0006

namespace CommandCenter.Web.Tests.Wall;

/// <summary>
/// A bare renderer standing for one circuit: renders a component and shows the frames the circuit keeps for it,
/// which bUnit does not expose. Two of them are two walls; their frames show what the walls share.
/// </summary>
public sealed class CircuitRenderer(IServiceProvider services) : Renderer(services, NullLoggerFactory.Instance)
{
    private int _rootId;

    public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

    public async Task RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await Dispatcher.InvokeAsync(async () =>
        {
            if (_rootId == 0)
            {
                _rootId = AssignRootComponentId(InstantiateComponent(typeof(TComponent)));
            }

            await RenderRootComponentAsync(_rootId, ParameterView.FromDictionary(parameters));
        });
    }

    /// <summary>How many frames the root component's current render tree holds.</summary>
    public int FrameCount() => GetCurrentRenderTreeFrames(_rootId).Count;

    /// <summary>The strings of its markup frames (shared markup is one such frame per layer or block).</summary>
    public IReadOnlyList<string> Markup()
    {
        var frames = GetCurrentRenderTreeFrames(_rootId);
        return [.. frames.Array.Take(frames.Count).Where(f => f.FrameType == RenderTreeFrameType.Markup).Select(f => f.MarkupContent)];
    }

    protected override void HandleException(Exception exception) => throw exception;

    protected override Task UpdateDisplayAsync(in RenderBatch renderBatch) => Task.CompletedTask;
}
