using System.Globalization;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Catalog;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Components.Admin;

/// <summary>
/// The escalation policy for the city's administrators: the versions with when each took (or takes) effect, and an
/// editor that makes a new version from the newest. Saving goes through a review of every change against the newest
/// version, confirmed by the administrator; <see cref="PolicyAdministration"/> checks everything again.
/// </summary>
public sealed partial class PolicyAdmin : ComponentBase
{
    private static readonly DeadlineStage[] Stages = Enum.GetValues<DeadlineStage>();

    private Operator? _operator;
    private bool _canEdit;
    private IReadOnlyList<PolicyVersionInfo> _versions = [];
    private PolicyForm? _form;
    private PolicyDraft? _reviewed;
    private PolicyDiff? _diff;
    private int _nextVersion;
    private IReadOnlyList<SetupProblem> _problems = [];
    private string _newOverrideCategory = "";
    private Severity _newOverrideSeverity = Severity.General;
    private string? _message;
    private bool _messageIsError;
    private bool _busy;
    private bool _interactive;

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    [Inject] public required PolicyAdministration Policies { get; set; }

    [Inject] public required ReferenceData Reference { get; set; }

    [Inject] public required TimeProvider Time { get; set; }

    [Inject] public required IStringLocalizer<SetupText> S { get; set; }

    private IEnumerable<Category> ChildCategories => Reference.Categories.All.Where(c => c.ParentCode is not null);

    protected override async Task OnInitializedAsync()
    {
        _operator = Authentication is null ? null : (await Authentication).User.ToOperator();
        _canEdit = _operator is not null && Policies.CanEdit(_operator);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        _versions = await Policies.VersionsAsync();
        Reset();
    }

    /// <summary>Starts over from the newest version, forgetting the edits.</summary>
    private void Reset()
    {
        _form = Reference.IsLoaded ? PolicyForm.From(Reference.CurrentPolicy, Reference.Categories) : null;
        _diff = null;
        _reviewed = null;
        _problems = [];
    }

    private void Review()
    {
        _message = null;
        if (_form!.EffectiveMissing)
        {
            _problems = [new SetupProblem("effectiveFrom", "Problem_Policy_EffectiveMissing")];
            return;
        }

        var draft = _form.ToDraft();
        _problems = Policies.Check(draft);
        if (_problems.Count == 0)
        {
            _reviewed = draft;
            _diff = Policies.Diff(draft);
            _nextVersion = Reference.CurrentPolicy.Version + 1;
        }
    }

    private void BackToEditing()
    {
        _diff = null;
        _reviewed = null;
    }

    private async Task ConfirmAsync()
    {
        _busy = true;
        try
        {
            var result = await Policies.CreateAsync(_reviewed!, _operator!);
            if (result.Value is { } saved)
            {
                Say(S["Policy_Saved", saved.Policy.Version, SetupTexts.Time(saved.Policy.EffectiveFrom)], error: false);
                await LoadAsync();
            }
            else
            {
                // Back to the editor with the reasons; a stale base means someone saved meanwhile: their version is listed.
                _problems = result.Problems;
                BackToEditing();
                _versions = await Policies.VersionsAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>A new override starts from what the category resolves to now, so only the cells meant to change need typing.</summary>
    private void AddOverride()
    {
        var form = _form!;
        _message = null;
        if (Reference.Categories.Find(_newOverrideCategory) is not { ParentCode: { } parent } category)
        {
            Say(S["Policy_ChooseCategoryFirst"], error: true);
            return;
        }

        if (form.Overrides.Any(r => r.Category == category.Code && r.Severity == _newOverrideSeverity))
        {
            Say(S["Policy_OverrideExists", CategoryLabel(category.Code), Name(_newOverrideSeverity)], error: true);
            return;
        }

        var inherited = form.TopLevel.First(r => r.Category == Reference.Categories.RootOf(parent).Code && r.Severity == _newOverrideSeverity);
        form.Overrides.Add(new RuleForm
        {
            Category = category.Code,
            Severity = _newOverrideSeverity,
            Acknowledge = inherited.Acknowledge,
            Dispatch = inherited.Dispatch,
            Handle = inherited.Handle,
            Verify = inherited.Verify,
        });
        form.Overrides.Sort((a, b) => (string.CompareOrdinal(a.Category, b.Category), a.Severity.CompareTo(b.Severity)) switch
        {
            (0, var bySeverity) => bySeverity,
            (var byCategory, _) => byCategory,
        });
    }

    private string StateOf(PolicyVersionInfo version) =>
        version.InForce ? S["Policy_InForce"]
        : version.IsScheduled(Time.GetUtcNow()) ? S["Policy_Scheduled"]
        : S["Policy_Superseded"];

    private string CategoryLabel(string code) => Reference.Categories.Find(code) is { } c ? $"{c.Code} {c.Name}" : code;

    private string Minutes(int? minutes) => minutes is { } m ? m.ToString(CultureInfo.InvariantCulture) : S["Policy_None"];

    private void Say(string message, bool error) => (_message, _messageIsError) = (message, error);

    private static string Text(SetupProblem problem) => SetupTexts.Text(problem, CultureInfo.CurrentUICulture);

    private static string Name(Enum value) => SetupTexts.Name(value, CultureInfo.CurrentUICulture);

    /// <summary>The notifications section in words: each event told or not, the severity and the intervals.</summary>
    private string NotificationsText(Core.Policies.NotificationPolicy n)
    {
        string OnOff(bool on) => on ? S["Policy_NotifyOn"] : S["Policy_NotifyOff"];
        return string.Join(S["Policy_NotifySeparator"], [
            $"{S["Policy_NotifyRaised"]} {OnOff(n.AlertRaised)} (≥ {Name(n.MinimumSeverity)})",
            $"{S["Policy_NotifyEscalated"]} {OnOff(n.Escalated)}",
            $"{S["Policy_NotifyPetition"]} {OnOff(n.PetitionWarning)}",
            $"{S["Policy_NotifyLate"]} {OnOff(n.LateReportCharged)}",
            $"{S["Policy_NotifySilent"]} {OnOff(n.SilentGrid)} ({DeadlineDraft.Whole(n.SilentGridAfter)} {S["Policy_Minutes"]})",
            $"{S["Policy_NotifyReminders"]} {OnOff(n.Reminders)} ({DeadlineDraft.Whole(n.RemindAfter)} / {DeadlineDraft.Whole(n.NextRungAfter)} {S["Policy_Minutes"]})",
        ]);
    }
}
