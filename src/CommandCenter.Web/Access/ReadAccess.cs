using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;

namespace CommandCenter.Web.Access;

/// <summary>
/// What a reader of the API may see: a signed-in person sees their node's subtree; an outside system (API key) sees
/// what it reported itself — the hotline follows up its own tickets, not the grid workers' reports.
/// </summary>
public sealed record ReadScope(AdminNode Node, AlertSource? Source)
{
    public bool Covers(string nodeCode, AlertSource source, CityMap map) =>
        map.IsWithin(nodeCode, Node.Code) && (Source is null || Source == source);

    /// <summary>The problem for a record outside the scope: the caller learns it exists but not what it says.</summary>
    public IResult Forbidden(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not allowed.",
        detail: Source is { } source
            ? $"{what} was not reported by {source}; an API key reads only its own system's records."
            : $"{what} is outside your jurisdiction ({Node.Name}).");
}

/// <summary>Reads need a signed-in user or a valid <c>X-Api-Key</c> (401 otherwise); the endpoint gets the <see cref="ReadScope"/>.</summary>
public sealed class ReadAccessFilter(ApiKeys keys, ReferenceData reference) : IEndpointFilter
{
    private const string ScopeItem = "cc:read-scope";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        ReadScope? scope = null;
        if (http.User.ToOperator() is { } user)
        {
            scope = reference.Map.Find(user.NodeCode) is { } node ? new ReadScope(node, null) : null;
        }
        else if (await keys.IdentifyAsync(http.Request.Headers[ApiKeys.Header], http.RequestAborted) is { } caller)
        {
            scope = new ReadScope(reference.Map.City, caller.Source);
        }

        if (scope is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Sign in or send an API key.",
                detail: $"Reading alerts, petition warnings and teams needs a signed-in user or a key in the {ApiKeys.Header} header.");
        }

        http.Items[ScopeItem] = scope;
        return await next(context);
    }

    /// <summary>The scope the filter established for this request.</summary>
    public static ReadScope Scope(HttpContext http) => (ReadScope)http.Items[ScopeItem]!;
}
