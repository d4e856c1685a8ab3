using System.Net;
using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Hosting;

public sealed class EdgeErrorTests(SharedApp host) : IClassFixture<SharedApp>
{
    [Theory]
    [InlineData(typeof(BadHttpRequestException), HttpStatusCode.BadRequest)]
    [InlineData(typeof(DomainRuleException), HttpStatusCode.Conflict)]
    [InlineData(typeof(InvalidOperationException), HttpStatusCode.InternalServerError)]
    public async Task ExceptionHandler_AnswersProblemDetailsWithoutAStackTrace(Type exceptionType, HttpStatusCode expected)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType, "secret internals at Foo.Bar()")!;
        var handler = host.App.Services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = host.App.Services };
        context.Response.Body = new MemoryStream();

        var handled = await handler.TryHandleAsync(context, exception, CancellationToken.None);

        Assert.True(handled);
        Assert.Equal((int)expected, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        var text = problem.RootElement.GetRawText();
        Assert.DoesNotContain("StackTrace", text, StringComparison.OrdinalIgnoreCase);
        if (expected == HttpStatusCode.InternalServerError)
        {
            Assert.DoesNotContain("secret internals", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReadinessCheck_BeforeReferenceDataIsLoaded_IsUnhealthy()
    {
        var check = ActivatorUtilities.CreateInstance<CommandCenter.Web.Hosting.StoreHealthCheck>(host.App.Services, new ReferenceData());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }
}
