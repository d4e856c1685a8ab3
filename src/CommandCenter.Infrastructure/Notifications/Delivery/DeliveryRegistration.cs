using CommandCenter.Core.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

public static class DeliveryRegistration
{
    /// <summary>
    /// The delivery side of the outbox: each channel whose URL is set, an HTTP client for each, the dispatcher and
    /// its worker. A bad setting stops start-up with one line naming it (through <c>ValidateOnStart</c>).
    /// </summary>
    public static IServiceCollection AddNotificationDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>>(new OneLine<DeliveryOptions>(DeliveryOptions.Problem));
        services.AddSingleton<DeliveryBackoff>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<NotificationAdministration>();
        services.AddSingleton<NotificationChannelHealth>();

        var any = false;
        any |= services.AddChannel<WebhookOptions, WebhookChannel>(configuration, WebhookOptions.Section, WebhookChannel.ClientName, o => o.Url, o => ChannelUrls.Problem(WebhookOptions.Section, o.Url));
        any |= services.AddChannel<WeComOptions, WeComChannel>(configuration, WeComOptions.Section, WeComChannel.ClientName, o => o.Url, o => ChannelUrls.Problem(WeComOptions.Section, o.Url));
        any |= services.AddChannel<DingTalkOptions, DingTalkChannel>(configuration, DingTalkOptions.Section, DingTalkChannel.ClientName, o => o.Url, o => ChannelUrls.Problem(DingTalkOptions.Section, o.Url));
        any |= services.AddChannel<SmsOptions, SmsChannel>(configuration, SmsOptions.Section, SmsChannel.ClientName, o => o.Url, SmsOptions.Problem);
        if (any)
        {
            services.AddOptions<NotificationOptions>()
                .Validate(o => o.PublicBaseUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps),
                    $"{NotificationOptions.Section}:PublicBaseUrl must be the address people reach the command centre at (e.g. https://cc.example.gov.cn) once a notification channel is configured.")
                .ValidateOnStart();
            services.AddHostedService<NotificationWorker>();
        }

        return services;
    }

    /// <summary>Whether any channel's URL is set: without one nothing is delivered, and there is nothing to report on.</summary>
    public static bool AnyChannelConfigured(IConfiguration configuration) =>
        new[] { WebhookOptions.Section, WeComOptions.Section, DingTalkOptions.Section, SmsOptions.Section }
            .Any(section => !string.IsNullOrWhiteSpace(configuration[$"{section}:Url"]));

    /// <summary>Binds and checks a channel's settings and, when its URL is set, registers it and its HTTP client; true when it did.</summary>
    private static bool AddChannel<TOptions, TChannel>(
        this IServiceCollection services,
        IConfiguration configuration,
        string section,
        string clientName,
        Func<TOptions, string?> url,
        Func<TOptions, string?> problem)
        where TOptions : class, new()
        where TChannel : class, INotificationChannel
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new OneLine<TOptions>(problem));
        var bound = new TOptions();
        configuration.GetSection(section).Bind(bound);
        if (string.IsNullOrWhiteSpace(url(bound)))
        {
            return false;
        }

        services.AddSingleton<INotificationChannel, TChannel>();
        services.AddHttpClient(clientName, http => http.Timeout = Timeout.InfiniteTimeSpan) // the resilience handler times an attempt out
            .AddResilienceHandler(clientName, (pipeline, context) =>
            {
                var delivery = context.ServiceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value;

                // Quick retries only where the request cannot have reached the receiver (no connection): anything
                // else — a 500, a lost answer — goes to the durable schedule, so a receiver never gets a message twice
                // within one attempt. The durable schedule is NotificationDispatcher's (DeliveryBackoff).
                pipeline.AddTimeout(delivery.SendTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }),
                });
            });
        return true;
    }

    /// <summary>The failure is the problem's own line (naming the setting), not a generic message.</summary>
    private sealed class OneLine<TOptions>(Func<TOptions, string?> problem) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            problem(options) is { } line ? ValidateOptionsResult.Fail(line) : ValidateOptionsResult.Success;
    }
}
