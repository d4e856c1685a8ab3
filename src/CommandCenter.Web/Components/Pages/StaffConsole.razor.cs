using System.Data.Common;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Web.Access;
using CommandCenter.Web.Components.Wall;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Pages;

/// <summary>
/// The staff console: the live queue of open alerts in my jurisdiction, most urgent first, and the actions of the
/// closed loop. Every action goes through <see cref="AlertWorkflowService"/>, which checks role and jurisdiction
/// again on the server; the page only offers what the rule table allows.
/// </summary>
public sealed partial class StaffConsole : ComponentBase, IDisposable
{
    /// <summary>Rows on one page of the queue: a screenful at a desk.</summary>
    public const int PageSize = 50;

    private static readonly AlertState[] OpenStates =
        [AlertState.Reported, AlertState.Acknowledged, AlertState.Dispatched, AlertState.Handling, AlertState.Resolved, AlertState.Rework];

    private readonly HashSet<Guid> _selected = [];
    private QueuePage _queue = QueuePage.Empty(PageSize);

    /// <summary>The page asked for (from 0); the page shown is it, or the last one when the queue shrank below it.</summary>
    private int _page;
    private List<AuditEntry> _timeline = [];
    private IReadOnlyList<Infrastructure.Notifications.Delivery.AlertDeliveryAttempt> _notifications = [];
    private Alert? _detail;
    private Operator? _operator;
    private string? _scopeName;
    private string? _message;
    private bool _messageIsError;
    private bool _queueFailed;
    private string? _comment;
    private DateTimeOffset _now;
    private bool _interactive;
    private int _revision;
    private IReadOnlyList<AdminNode> _subNodes = [];
    private RenderThrottle? _throttle;
    private IDisposable? _subscription;
    private ITimer? _clock;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required IDbContextFactory<CommandCenterDbContext> Contexts { get; set; }

    [Inject] public required AlertWorkflowService Workflow { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required ILiveFeed Feed { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IStringLocalizer<UiText> T { get; set; }

    [Inject] public required ILogger<StaffConsole> Logger { get; set; }

    private string StateFilter { get => _stateFilter; set => (_stateFilter, _page) = (value, 0); }

    private string SeverityFilter { get => _severityFilter; set => (_severityFilter, _page) = (value, 0); }

    /// <summary>A top-level category (大类): the alert's category is it or one of its 小类.</summary>
    private string CategoryFilter { get => _categoryFilter; set => (_categoryFilter, _page) = (value, 0); }

    /// <summary>One of the children of my node (a town, community or grid under it).</summary>
    private string NodeFilter { get => _nodeFilter; set => (_nodeFilter, _page) = (value, 0); }

    private string _stateFilter = "", _severityFilter = "", _categoryFilter = "", _nodeFilter = "";

    protected override async Task OnInitializedAsync()
    {
        Reference.Changed += OnReferenceChanged;
        await StartAsync();
    }

    private async Task StartAsync()
    {
        if (!Reference.HasCity)
        {
            return;
        }

        _operator = Authentication is null ? null : (await Authentication).User.ToOperator();
        if (_operator is null)
        {
            return;
        }

        _scopeName = Reference.Map.Find(_operator.NodeCode)?.Name ?? _operator.NodeCode;
        _subNodes = Reference.Map.Children(_operator.NodeCode);
        var throttle = _throttle = new RenderThrottle(Time, TimeSpan.FromMilliseconds(500), () => InvokeAsync(ReloadAsync));
        _subscription = Feed.Subscribe((message, _) =>
        {
            // Alerts, and the teams working them (a deployment is scoped to its alert's place); a team an
            // administrator changed, when it is in my subtree or above it (the town's and the city's serve me too).
            if ((message is (AlertChanged or DeploymentChanged) && message.Scope.Codes().Contains(_operator.NodeCode))
                || (message is TeamChanged && ServesMe(message.Scope)))
            {
                throttle.Request();
            }

            return ValueTask.CompletedTask;
        });
        _clock = Time.CreateTimer(_ => InvokeAsync(() =>
        {
            _now = Time.GetUtcNow();
            StateHasChanged();
        }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await ReloadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    public void Dispose()
    {
        Reference.Changed -= OnReferenceChanged;
        Stop();
    }

    private void Stop()
    {
        _subscription?.Dispose();
        _clock?.Dispose();
        _throttle?.Dispose();
    }

    /// <summary>A new division: the queue, its places and the node filter follow it at once.</summary>
    private void OnReferenceChanged() => _ = InvokeAsync(async () =>
    {
        try
        {
            Stop();
            await StartAsync();
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    });

    private async Task ReloadAsync()
    {
        if (_operator is null || Reference.Map.Find(_operator.NodeCode) is not { } scope)
        {
            return;
        }

        _now = Time.GetUtcNow();
        try
        {
            await using var db = await Contexts.CreateDbContextAsync();
            _queue = await db.Alerts.AsNoTracking().OpenQueue(scope, Filter()).ReadPageAsync(_page, PageSize);
            _page = _queue.Page;
            if (_queueFailed)
            {
                (_queueFailed, _message) = (false, null);
            }
        }
        catch (DbException ex)
        {
            // The store busy or gone: say so and keep the page last read, which the next live change or click retries.
            Logger.LogError(ex, "The console could not read the queue of {NodeCode} (page {Page})", scope.Code, _page + 1);
            _page = _queue.Page;
            _queueFailed = true;
            Say(T["Console_QueueFailed"], error: true);
            StateHasChanged();
            return;
        }

        _selected.IntersectWith(_queue.Rows.Where(a => a.State == AlertState.Reported).Select(a => a.Id));
        if (_detail is not null)
        {
            await ShowDetailAsync(_detail.Id);
        }

        _revision++;
        StateHasChanged();
    }

    private async Task ShowDetailAsync(Guid id)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        _detail = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id);
        var subject = id.ToString();
        _timeline = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Subject == AuditSubject.Alert && e.SubjectId == subject)
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .ToListAsync();
        _notifications = await Infrastructure.Notifications.Delivery.NotificationQueries.AttemptsAboutAsync(db, id);
    }

    private async Task ActAsync(Guid id, AlertAction action)
    {
        try
        {
            await Workflow.ApplyAsync(id, action, _operator!, CommentText);
            Say(T["Console_Done", T[$"Action_{action}"]], error: false);
            _comment = null;
        }
        catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
        {
            Say(ex.Message, error: true);
        }

        await ReloadAsync();
    }

    private string? CommentText => string.IsNullOrWhiteSpace(_comment) ? null : _comment.Trim();

    private async Task OnDispatchDoneAsync((string Message, bool IsError) result)
    {
        Say(result.Message, result.IsError);
        if (!result.IsError)
        {
            _comment = null;
        }

        await ReloadAsync();
    }

    private async Task AcknowledgeSelectedAsync()
    {
        var outcomes = await Workflow.AcknowledgeManyAsync([.. _selected], _operator!, null);
        var failed = outcomes.Where(o => !o.Done).ToList();
        Say(T["Console_BulkDone", outcomes.Count - failed.Count, failed.Count] + (failed.Count > 0 ? " " + failed[0].Reason : ""), error: failed.Count > 0);
        _selected.Clear();
        await ReloadAsync();
    }

    /// <summary>
    /// The filters as chosen, each checked once here: an unknown value, a 小类 or a node outside my jurisdiction (a
    /// hand-made form value) means "all", and the node can only narrow the queue anyway.
    /// </summary>
    private QueueFilter Filter() => new(
        Enum.TryParse<AlertState>(StateFilter, out var state) && OpenStates.Contains(state) ? state : null,
        Enum.TryParse<Severity>(SeverityFilter, out var severity) && Enum.IsDefined(severity) ? severity : null,
        Reference.Categories.Find(CategoryFilter) is { ParentCode: null } category ? category.Code : null,
        _subNodes.FirstOrDefault(n => n.Code == NodeFilter));

    private async Task GoToPageAsync(int page)
    {
        _page = page;
        await ReloadAsync();
    }

    private void Toggle(Guid id)
    {
        if (!_selected.Remove(id))
        {
            _selected.Add(id);
        }
    }

    private void Say(string message, bool error) => (_message, _messageIsError) = (message, error);

    private string Remaining(Alert alert) => alert.StageDeadline is { } due
        ? (due >= _now ? T.Age(due - _now) : "-" + T.Age(_now - due))
        : "";

    private string Place(Alert alert) => Reference.Map.PlaceOf(alert.GridCode);

    private bool ServesMe(NodePath teamScope) =>
        teamScope.Codes().Contains(_operator!.NodeCode) || Reference.Map.IsWithin(_operator.NodeCode, teamScope.Codes().Last());
}
