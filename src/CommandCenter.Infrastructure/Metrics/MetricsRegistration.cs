using CommandCenter.Core.Metrics;
using CommandCenter.Infrastructure.Metrics.Embedded;
using CommandCenter.Infrastructure.Metrics.InfluxDB;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics;

internal static class MetricsRegistration
{
    /// <summary>
    /// The metric port (<see cref="IMetricWriter"/>, <see cref="IMetricReader"/>) on the adapter <c>Metrics:Store</c>
    /// names. The choice is read here, once, because it decides which services exist; an unknown value registers the
    /// embedded store and start-up then fails on the options validation, which names the setting.
    /// </summary>
    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection("Metrics")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<MetricsDatabase>();
        services.AddSingleton<MetricsStatus>();
        services.AddSingleton<MetricWriter>();
        services.AddSingleton<IMetricWriter>(provider => provider.GetRequiredService<MetricWriter>());

        var chosen = configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        if (chosen.UsesInfluxDB)
        {
            services.AddHttpClient(InfluxHttp.ClientName, (provider, http) =>
                InfluxHttp.Configure(http, provider.GetRequiredService<IOptions<MetricsOptions>>().Value.InfluxDB));
            services.AddSingleton<InfluxHttp>();
            services.AddSingleton<InfluxOutbox>();
            services.AddSingleton<OutboxWriter>();
            services.AddSingleton<IMetricBatchTarget>(provider => provider.GetRequiredService<InfluxOutbox>());
            services.AddSingleton<InfluxMetricReader>();
            services.AddSingleton<IMetricReader>(provider => provider.GetRequiredService<InfluxMetricReader>());
            services.AddHostedService<MetricWriterService>();
            services.AddHostedService<InfluxDeliveryService>();
        }
        else
        {
            services.AddSingleton<EmbeddedMetricStore>();
            services.AddSingleton<IMetricBatchTarget>(provider => provider.GetRequiredService<EmbeddedMetricStore>());
            services.AddSingleton<IMetricReader>(provider => provider.GetRequiredService<EmbeddedMetricStore>());
            services.AddHostedService<MetricWriterService>();
        }

        services.AddHostedService<FeedMetricsRecorder>();
        return services;
    }
}
