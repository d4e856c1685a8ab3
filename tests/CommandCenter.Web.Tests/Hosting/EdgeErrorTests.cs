using System.Net;
using System.Text.Json;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
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
    [InlineData(typeof(WorkflowDeniedException), HttpStatusCode.Forbidden)]
    [InlineData(typeof(DomainRuleException), HttpStatusCode.Conflict)]
    [InlineData(typeof(InvalidOperationException), HttpStatusCode.InternalServerError)]
    public async Task ExceptionHandler_AnswersProblemDetailsWithoutAStackTrace(Type exceptionType, HttpStatusCode expected)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType, "secret internals at Foo.Bar()")!;

        var (status, problem) = await HandleAsync(exception);

        Assert.Equal((int)expected, status);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var text = problem.GetRawText();
        Assert.DoesNotContain("StackTrace", text, StringComparison.OrdinalIgnoreCase);
        if (expected == HttpStatusCode.InternalServerError)
        {
            Assert.DoesNotContain("secret internals", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(typeof(WorkflowDeniedException), "Not allowed.")]
    [InlineData(typeof(DomainRuleException), "The request breaks a rule.")]
    public async Task ExceptionHandler_ADomainRefusal_SaysWhyInTheDetail(Type exceptionType, string title)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType, "Alert 42 is outside your jurisdiction (湖滨街道).")!;

        var (_, problem) = await HandleAsync(exception);

        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(exception.Message, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ExceptionHandler_AlertConflict_Is409NamingWhoHoldsItAndSinceWhen()
    {
        var since = new DateTimeOffset(2026, 11, 27, 2, 5, 0, TimeSpan.Zero);

        var (status, problem) = await HandleAsync(new AlertConflictException("Already acknowledged by 陈静.", "陈静", since));

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Equal(("陈静", since), (problem.GetProperty("holder").GetString(), problem.GetProperty("since").GetDateTimeOffset()));
        Assert.Equal("Already acknowledged by 陈静.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ExceptionHandler_AClientNotAcceptingJson_StillGetsTheProblem()
    {
        var (status, problem) = await HandleAsync(new WorkflowDeniedException("A wall display cannot act on alerts."), accept: "text/html");

        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Equal("A wall display cannot act on alerts.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ReadinessCheck_BeforeReferenceDataIsLoaded_IsUnhealthy()
    {
        var check = ActivatorUtilities.CreateInstance<CommandCenter.Web.Hosting.StoreHealthCheck>(host.App.Services, new ReferenceData());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private async Task<(int Status, JsonElement Problem)> HandleAsync(Exception exception, string? accept = null)
    {
        var handler = host.App.Services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = host.App.Services };
        context.Response.Body = new MemoryStream();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, problem.RootElement.Clone());
    }
}
