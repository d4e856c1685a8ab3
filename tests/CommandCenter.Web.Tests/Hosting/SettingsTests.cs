using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>The setting names are a contract with operators' scripts: each works as --Key=value and as an environment variable.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void CommandLineArguments_SetDataDirSimulatorAndMergeWindow()
    {
        using var app = Build(["--DataDir=/tmp/cc-args", "--Simulator:Enabled=false", "--Simulator:EventsPerMinute=7", "--Alerts:MergeWindow=00:05:00"]);

        Assert.Equal("/tmp/cc-args", app.Services.GetRequiredService<IOptions<StoreOptions>>().Value.DataDir);
        Assert.False(app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Enabled);
        Assert.Equal(7, app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.EventsPerMinute);
        Assert.Equal(TimeSpan.FromMinutes(5), app.Services.GetRequiredService<IOptions<AlertOptions>>().Value.MergeWindow);
    }

    [Fact]
    public void EnvironmentVariable_SetsASettingWithDoubleUnderscores()
    {
        // Only the simulator's rate: harmless to the other tests running in this process at the same time.
        Environment.SetEnvironmentVariable("Simulator__EventsPerMinute", "11");
        try
        {
            using var app = Build([]);

            Assert.Equal(11, app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.EventsPerMinute);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Simulator__EventsPerMinute", null);
        }
    }

    [Fact]
    public void BadMergeWindow_IsRefusedWithTheSettingsName()
    {
        using var app = Build(["--Alerts:MergeWindow=-00:01:00"]);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<AlertOptions>>().Value);

        Assert.Contains("Alerts:MergeWindow", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void MapShapesNotPositive_IsRefusedWithTheSettingsName(string shapes)
    {
        using var app = Build([$"--Wall:MapShapes={shapes}"]);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<CommandCenter.Web.Wall.WallOptions>>().Value);

        Assert.Contains("Wall:MapShapes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMetricsStore_IsRefusedWithTheSettingsName()
    {
        using var app = Build(["--Metrics:Store=Prometheus"]);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value);

        Assert.Contains("Metrics:Store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsSettings_AreReadFromArguments()
    {
        using var app = Build(["--Metrics:Store=InfluxDB", "--Metrics:InfluxDB:Url=http://influx:8086", "--Metrics:InfluxDB:Database=grid", "--Metrics:InfluxDB:Token=t0ken"]);

        var metrics = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        Assert.True(metrics.UsesInfluxDB);
        Assert.Equal("http://influx:8086", metrics.InfluxDB.Url);
        Assert.Equal("grid", metrics.InfluxDB.Database);
        Assert.Equal("t0ken", metrics.InfluxDB.Token);
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddCommandCenter();
        return builder.Build();
    }
}
