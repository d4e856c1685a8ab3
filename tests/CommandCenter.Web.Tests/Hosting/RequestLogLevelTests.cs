using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace CommandCenter.Web.Tests.Hosting;

public sealed class RequestLogLevelTests
{
    [Theory]
    [InlineData(201)]
    [InlineData(200)]
    public void For_AStoredReportAnsweredQuickly_IsDebug(int status) =>
        Assert.Equal(LogEventLevel.Debug, RequestLogLevels.For(Call(status, loggedByService: true), 12, null));

    [Fact]
    public void For_AStoredReportAnsweredSlowly_IsInformation() =>
        Assert.Equal(LogEventLevel.Information, RequestLogLevels.For(Call(201, loggedByService: true), RequestLogLevels.Slow.TotalMilliseconds, null));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(413)]
    public void For_ARefusedReport_IsInformation(int status) =>
        Assert.Equal(LogEventLevel.Information, RequestLogLevels.For(Call(status, loggedByService: true), 3, null));

    [Fact]
    public void For_AReportThatFailed_IsError()
    {
        Assert.Equal(LogEventLevel.Error, RequestLogLevels.For(Call(500, loggedByService: true), 3, null));
        Assert.Equal(LogEventLevel.Error, RequestLogLevels.For(Call(200, loggedByService: true), 3, new InvalidOperationException("store down")));
    }

    [Fact]
    public void For_AnyOtherRequest_IsInformation() =>
        Assert.Equal(LogEventLevel.Information, RequestLogLevels.For(Call(200, loggedByService: false), 3, null));

    private static DefaultHttpContext Call(int status, bool loggedByService)
    {
        var http = new DefaultHttpContext();
        http.Response.StatusCode = status;
        var metadata = loggedByService ? new EndpointMetadataCollection(LoggedByItsService.Instance) : new EndpointMetadataCollection();
        http.SetEndpoint(new Endpoint(null, metadata, "test"));
        return http;
    }
}
