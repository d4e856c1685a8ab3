using System.Globalization;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>
/// The words of a notification, in Chinese: they leave the command centre as a text message or a robot post, read on
/// a phone, so they are composed here once rather than per channel.
/// </summary>
public static class NotificationWording
{
    public const string Sender = "【网格指挥中心】";

    public static string Severity(Severity severity) => severity switch
    {
        Core.Alerts.Severity.General => "一般",
        Core.Alerts.Severity.Major => "较大",
        Core.Alerts.Severity.Serious => "重大",
        _ => "特别重大",
    };

    public static string Level(NodeLevel level) => level switch
    {
        NodeLevel.Grid => "网格",
        NodeLevel.Community => "社区",
        NodeLevel.Town => "镇街",
        _ => "市级",
    };

    public static string Stage(PetitionStage stage) => stage switch
    {
        PetitionStage.Brewing => "酝酿",
        PetitionStage.Gathering => "聚集",
        PetitionStage.Moving => "行进",
        PetitionStage.Arrived => "到达",
        _ => "化解",
    };

    public static string Raised(Alert alert, string place) => $"【{Severity(alert.Severity)}】{place} · {alert.Title}";

    public static string Escalated(Alert alert, string place, NodeLevel rung) =>
        $"【升级至{Level(rung)}】{place} · {alert.Title}（{Severity(alert.Severity)}，超时未处置）";

    public static string Petition(PetitionWarning warning, string place, PetitionStage stage) =>
        $"【信访预警·{Stage(stage)}】{place} · {warning.Subject} → {warning.Destination}，约 {warning.EstimatedHeadcount} 人";

    public static string LateReport(Alert alert, string place) =>
        $"【迟报】{place} · {alert.Title}，责任人 {alert.LateChargedTo ?? "未明确"}";

    public static string Silent(string place, DateTimeOffset silentFrom) =>
        $"【网格静默】{place} 自 {CityClock.Local(silentFrom).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)} 起无上报、无签到";

    public static string Reminder(Alert alert, string place, int round) =>
        $"【催办{(round > 1 ? "·上报上级" : "")}】{place} · {alert.Title}（{Severity(alert.Severity)}）仍未签收";

    /// <summary>The title line: 【网格指挥中心】湖滨街道 3 条告警 (or 条通知 when not every item is about an alert).</summary>
    public static string Title(string nodeName, int count, bool allAlerts) =>
        $"{Sender}{nodeName} {count} 条{(allAlerts ? "告警" : "通知")}";

    /// <summary>An item's line: its time and its summary on one line, whatever line breaks a reporter typed.</summary>
    public static string Line(DateTimeOffset at, string summary) =>
        $"{CityClock.Local(at).ToString("HH:mm", CultureInfo.InvariantCulture)} {summary.ReplaceLineEndings(" ")}";

    /// <summary>The last line of a message too long for its channel: how many items it leaves out.</summary>
    public static string More(int count) => $"……另有 {count} 条，详见指挥中心";

    /// <summary>The recipient name of a delivery a group robot posts once for everybody.</summary>
    public const string Everybody = "全体值班人员";
}
