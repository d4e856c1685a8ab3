using CommandCenter.Core.Notifications;
using CommandCenter.Infrastructure.Notifications;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Notifications;

/// <summary>
/// The channels' settings: a channel exists only when its URL is set, and a bad setting stops start-up with one line
/// naming it — the check Program.cs runs before serving (<see cref="StartupChecks"/>).
/// </summary>
public sealed class DeliverySettingsTests
{
    private const string Base = "--Notifications:PublicBaseUrl=https://cc.example.gov.cn";

    [Theory]
    [InlineData("Webhook")]
    [InlineData("WeCom")]
    [InlineData("DingTalk")]
    [InlineData("Sms")]
    public async Task InvalidUrl_StopsStartUp_NamingTheSetting(string channel)
    {
        using var app = Build([Base, $"--Notifications:{channel}:Url=not a url"]);

        var problem = await StartupChecks.ProblemAsync(app.Services);

        Assert.NotNull(problem);
        Assert.StartsWith($"Notifications:{channel}:Url must be an absolute http(s) address", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Theory]
    [InlineData("--Notifications:Sms:Body={\"to\":\"{mobile}\"}", "Notifications:Sms:Body has an unknown placeholder {mobile}")]
    [InlineData("--Notifications:Sms:Url=https://sms.example.com/send?to={tel}", "Notifications:Sms:Url has an unknown placeholder {tel}")]
    [InlineData("--Notifications:Sms:Headers:X-To={recipient}", "Notifications:Sms:Headers:X-To has an unknown placeholder {recipient}")]
    public async Task SmsTemplateWithAnUnknownPlaceholder_StopsStartUp_NamingTheSetting(string setting, string expected)
    {
        var args = setting.StartsWith("--Notifications:Sms:Url", StringComparison.Ordinal) ? new[] { Base, setting } : [Base, "--Notifications:Sms:Url=https://sms.example.com/send", setting];
        using var app = Build(args);

        var problem = await StartupChecks.ProblemAsync(app.Services);

        Assert.Equal($"{expected}; known: {{phone}}, {{name}}, {{text}}, {{link}}, {{node}}.", problem);
    }

    [Fact]
    public async Task AChannelWithoutPublicBaseUrl_StopsStartUp_NamingIt()
    {
        using var app = Build(["--Notifications:Webhook:Url=https://hooks.example.com/in"]);

        var problem = await StartupChecks.ProblemAsync(app.Services);

        Assert.StartsWith("Notifications:PublicBaseUrl must be", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeaseNotLongerThanTheSendTimeout_StopsStartUp_NamingBoth()
    {
        using var app = Build([Base, "--Notifications:Delivery:LeaseDuration=00:00:10", "--Notifications:Delivery:SendTimeout=00:00:30"]);

        var problem = await StartupChecks.ProblemAsync(app.Services);

        Assert.StartsWith("Notifications:Delivery:LeaseDuration must be longer than Notifications:Delivery:SendTimeout", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyConfiguredChannels_AreRegistered()
    {
        using var none = Build([]);
        using var two = Build([Base, "--Notifications:WeCom:Url=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "--Notifications:Sms:Url=https://sms.example.com/send?to={phone}"]);

        Assert.Empty(none.Services.GetServices<INotificationChannel>());
        Assert.Equal([NotificationChannel.WeCom, NotificationChannel.Sms], two.Services.GetServices<INotificationChannel>().Select(c => c.Kind));
        Assert.Equal([false, true], two.Services.GetServices<INotificationChannel>().Select(c => c.PerRecipient));
    }

    [Fact]
    public async Task TheServer_RefusesToStartOnAnUnknownPlaceholder_WithOneLine()
    {
        using var dir = new TempDirectory();
        var run = await ProductProcess.RunAsync([$"--DataDir={dir.Path}", Base, "--Notifications:Sms:Url=https://sms.example.com/send?to={mobile}"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "CommandCenter cannot start: Notifications:Sms:Url has an unknown placeholder {mobile}; known: {phone}, {name}, {text}, {link}, {node}.",
            run.Error.Trim());
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCommandCenter();
        return builder.Build();
    }
}
