using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CommandCenter.Web.Api;

/// <summary>
/// Large responses that change only with the reference data (the city's hierarchy with every boundary: tens of MB for
/// a 12,000-grid city) are serialized once per version and kept with their gzip and Brotli forms: a client gets the
/// smallest it accepts, and one that sends the <c>ETag</c> back gets 304 and nothing else.
/// </summary>
/// <remarks>
/// The ETag is a hash of the bytes, not a counter, so every server of a city gives the same one for the same map.
/// A version is any object that changes when the content must (the loaded <c>CityMap</c> instance): a re-division
/// builds anew on the next request.
/// </remarks>
public sealed class CachedRepresentations(IOptions<JsonOptions> json)
{
    private readonly ConcurrentDictionary<string, Representation> _byKey = new(StringComparer.Ordinal);

    /// <summary>The representation of <paramref name="key"/> at <paramref name="version"/>, built when missing or stale.</summary>
    public IResult Serve(HttpContext http, string key, object version, Func<object> build)
    {
        var representation = _byKey.AddOrUpdate(
            key,
            _ => Representation.Of(version, build(), json.Value.SerializerOptions),
            (_, cached) => ReferenceEquals(cached.Version, version) ? cached : Representation.Of(version, build(), json.Value.SerializerOptions));
        return new RepresentationResult(representation);
    }

    private sealed class Representation
    {
        private readonly Lazy<byte[]> _gzip;
        private readonly Lazy<byte[]> _brotli;

        private Representation(object version, byte[] body)
        {
            Version = version;
            Body = body;
            ETag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"");
            _gzip = new(() => Compress(body, s => new GZipStream(s, CompressionLevel.Optimal)));
            _brotli = new(() => Compress(body, s => new BrotliStream(s, CompressionLevel.Optimal)));
        }

        public object Version { get; }

        public byte[] Body { get; }

        public EntityTagHeaderValue ETag { get; }

        public static Representation Of(object version, object value, JsonSerializerOptions options) =>
            new(version, JsonSerializer.SerializeToUtf8Bytes(value, options));

        /// <summary>The form to send for this Accept-Encoding: Brotli, then gzip, then none.</summary>
        public (byte[] Bytes, string? Encoding) For(HttpRequest request)
        {
            var accepted = request.Headers.AcceptEncoding.ToString();
            return accepted.Contains("br", StringComparison.OrdinalIgnoreCase) ? (_brotli.Value, "br")
                : accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? (_gzip.Value, "gzip")
                : (Body, null);
        }

        private static byte[] Compress(byte[] body, Func<Stream, Stream> compressor)
        {
            using var output = new MemoryStream();
            using (var stream = compressor(output))
            {
                stream.Write(body);
            }

            return output.ToArray();
        }
    }

    private sealed class RepresentationResult(Representation representation) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            var headers = response.GetTypedHeaders();
            headers.ETag = representation.ETag;

            // Stored, but asked about again each time: a re-division must reach a client at once.
            headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
            response.Headers.Vary = HeaderNames.AcceptEncoding;
            if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(representation.ETag, useStrongComparison: false) || tag.Equals(EntityTagHeaderValue.Any)))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            var (bytes, encoding) = representation.For(http.Request);
            response.ContentType = "application/json; charset=utf-8";
            if (encoding is not null)
            {
                response.Headers.ContentEncoding = encoding;
            }

            response.ContentLength = bytes.Length;
            if (!HttpMethods.IsHead(http.Request.Method))
            {
                await response.Body.WriteAsync(bytes, http.RequestAborted);
            }
        }
    }
}
