using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Testing;
using Quartz;

namespace CommandCenter.Infrastructure.Tests.Monitoring;

/// <summary>The monitoring jobs' schedules as the app registers them; the services they call are tested on their own.</summary>
public sealed class MonitoringJobsTests
{
    public static TheoryData<Type> Jobs => [typeof(PetitionCadenceJob), typeof(LateReportJob), typeof(SilentGridJob)];

    [Theory]
    [MemberData(nameof(Jobs))]
    public void Job_NeverRunsTwiceAtOnceInOneScheduler(Type job)
    {
        Assert.True(Attribute.IsDefined(job, typeof(DisallowConcurrentExecutionAttribute)));
    }

    [Fact]
    public async Task AddCommandCenterInfrastructure_SchedulesEachMonitoringJobAtItsInterval()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var scheduler = await host.Get<ISchedulerFactory>().GetScheduler(); // created, not started: it stores the configured jobs
        try
        {
            var jobs = new[] { PetitionCadenceJob.Key, LateReportJob.Key, SilentGridJob.Key };
            var intervals = new List<TimeSpan>();
            foreach (var job in jobs)
            {
                var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(job)));
                intervals.Add(trigger.RepeatInterval);
            }

            Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], intervals);
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }
}
