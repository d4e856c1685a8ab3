using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Import;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// Large reads are compressed and the hierarchy is cacheable: it is served precompressed with an ETag, a client that
/// has it gets 304, and a re-division changes the tag. Answers to writes are never compressed.
/// </summary>
public sealed class LargeResponseTests : FreshAppTest
{
    private const string Hierarchy = "/api/v1/hierarchy?boundaries=true";

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Hierarchy_IsSentCompressedWithAnETag_AndDecompressesToTheSameTree(string encoding)
    {
        var plain = await SendAsync(Hierarchy, null);
        var compressed = await SendAsync(Hierarchy, encoding);

        Assert.Equal(encoding, Assert.Single(compressed.Content.Headers.ContentEncoding));
        var (plainBytes, compressedBytes) = (await plain.Content.ReadAsByteArrayAsync(), await compressed.Content.ReadAsByteArrayAsync());
        Assert.True(compressedBytes.Length * 4 < plainBytes.Length, $"{compressedBytes.Length} of {plainBytes.Length} bytes");
        Assert.Equal(plainBytes, Decompress(compressedBytes, encoding));
        Assert.Equal(plain.Headers.ETag!.Tag.TrimEnd('"') + $"-{encoding}\"", compressed.Headers.ETag!.Tag); // one content, a tag per encoding
        Assert.True(compressed.Headers.CacheControl!.NoCache);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Equal("330188", JsonDocument.Parse(plainBytes).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Hierarchy_WithTheETagItHas_Gets304AndNoBody()
    {
        var first = await SendAsync(Hierarchy, "br");

        using var again = new HttpRequestMessage(HttpMethod.Get, Hierarchy);
        again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var response = await App.Http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task Hierarchy_AnEncodingRefusedWithQZero_IsNotUsed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Hierarchy);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br", 0));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        var response = await App.Http.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public async Task Hierarchy_WithTheTagOfAnotherEncoding_IsStillNotModified()
    {
        var plain = await SendAsync(Hierarchy, null);

        using var request = new HttpRequestMessage(HttpMethod.Get, Hierarchy);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        request.Headers.IfNoneMatch.Add(plain.Headers.ETag!);
        var response = await App.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Hierarchy_AfterAReDivision_HasANewETagAndTheNewTree()
    {
        var before = await SendAsync(Hierarchy, null);

        await using (var file = File.OpenRead(CityMaps.PathOf(CityMaps.RiverCity)))
        {
            await App.Services.GetRequiredService<CityImporter>().ApplyAsync(file, "river-city.geojson", new Actor("admin"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, Hierarchy);
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var after = await App.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal("440399", JsonDocument.Parse(await after.Content.ReadAsByteArrayAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ApiLists_AreCompressed_AnswersToWritesAreNot()
    {
        var reader = await App.CityReaderAsync();
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/v1/teams");
        list.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var listed = await reader.SendAsync(list);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = System.Net.Http.Json.JsonContent.Create(AlertRequests.Valid("compressed-1"), options: CommandCenterApp.Json) };
        post.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, CommandCenterApp.KeyFor("gridWorker"));
        post.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var posted = await App.Http.SendAsync(post);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("gzip", Assert.Single(listed.Content.Headers.ContentEncoding));
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        Assert.Empty(posted.Content.Headers.ContentEncoding);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (encoding is not null)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        }

        var response = await App.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static byte[] Decompress(byte[] bytes, string encoding)
    {
        using var input = new MemoryStream(bytes);
        using Stream stream = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }
}
