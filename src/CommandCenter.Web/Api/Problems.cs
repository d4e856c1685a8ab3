using CommandCenter.Core;
using CommandCenter.Core.Alerts;

namespace CommandCenter.Web.Api;

/// <summary>The one mapping from the workflow's exceptions to RFC 7807 answers.</summary>
public static class Problems
{
    /// <summary>
    /// Runs <paramref name="work"/>; a role or jurisdiction refusal is 403, someone else getting there first is 409
    /// with who holds it and since when, a broken state rule is 409.
    /// </summary>
    public static async Task<IResult> OnWorkflowErrorAsync(Func<Task<IResult>> work)
    {
        try
        {
            return await work();
        }
        catch (WorkflowDeniedException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: ex.Message);
        }
        catch (AlertConflictException ex)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Someone else got there first.",
                detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["holder"] = ex.Holder, ["since"] = ex.Since });
        }
        catch (DomainRuleException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The alert is not in a state for that.", detail: ex.Message);
        }
    }
}
