using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>Only posting a report is logged by its service instead of its request line; staff actions on alerts are not.</summary>
public sealed class RequestLogEndpointTests : FreshAppTest
{
    [Fact]
    public void PostingAReport_IsLoggedByIngestion_AndAlertWorkflowCallsKeepTheirRequestLines()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        bool Quiet(RouteEndpoint e) => e.Metadata.GetMetadata<LoggedByItsService>() is not null;

        var quiet = endpoints.Where(Quiet).Select(e => (e.RoutePattern.RawText, Methods: string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))).ToList();

        Assert.Equal([("/api/v1/alerts/", "POST")], quiet);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText?.StartsWith("/api/v1/alerts/{", StringComparison.Ordinal) == true
            && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true);
    }
}
