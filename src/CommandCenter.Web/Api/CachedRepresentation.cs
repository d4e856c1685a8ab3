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
/// The ETag is a hash of the bytes, not a counter, so every server of a city gives the same one for the same map
/// (with the encoding appended: each encoding's bytes differ).
/// A version is any object that changes when the content must (the loaded <c>CityMap</c> instance): a re-division
/// builds anew on the next request.
/// </remarks>
public sealed class CachedRepresentations(IOptions<JsonOptions> json)
{
    private readonly ConcurrentDictionary<string, Lazy<Representation>> _byKey = new(StringComparer.Ordinal);

    /// <summary>The representation of <paramref name="key"/> at <paramref name="version"/>, built once when missing or stale.</summary>
    public IResult Serve(HttpContext http, string key, object version, Func<object> build)
    {
        Lazy<Representation> Fresh() => new(() => Representation.Of(version, build(), json.Value.SerializerOptions));
        var cached = _byKey.GetOrAdd(key, _ => Fresh());
        while (!ReferenceEquals(cached.Value.Version, version))
        {
            var fresh = Fresh();
            cached = _byKey.TryUpdate(key, fresh, cached) ? fresh : _byKey[key];
        }

        return new RepresentationResult(cached.Value);
    }

    private sealed class Representation
    {
        private readonly Lazy<byte[]> _gzip;
        private readonly Lazy<byte[]> _brotli;
        private readonly string _hash;

        private Representation(object version, byte[] body)
        {
            Version = version;
            Body = body;
            _hash = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16));
            _gzip = new(() => Compress(body, s => new GZipStream(s, CompressionLevel.Optimal)));
            _brotli = new(() => Compress(body, s => new BrotliStream(s, CompressionLevel.Optimal)));
        }

        public object Version { get; }

        public byte[] Body { get; }

        public static Representation Of(object version, object value, JsonSerializerOptions options) =>
            new(version, JsonSerializer.SerializeToUtf8Bytes(value, options));

        /// <summary>Each encoding's bytes differ, so each has its own strong tag; all three name the same content.</summary>
        public EntityTagHeaderValue TagOf(string? encoding) => new($"\"{_hash}{(encoding is null ? "" : "-" + encoding)}\"");

        public bool IsNamedBy(EntityTagHeaderValue tag) =>
            tag.Equals(EntityTagHeaderValue.Any) || new[] { null, "br", "gzip" }.Any(encoding => tag.Compare(TagOf(encoding), useStrongComparison: false));

        /// <summary>The form to send for this Accept-Encoding: Brotli, then gzip, then none; an encoding refused with q=0 is not used.</summary>
        public (byte[] Bytes, string? Encoding) For(HttpRequest request)
        {
            var accepted = request.GetTypedHeaders().AcceptEncoding
                .Where(e => e.Quality is not 0)
                .Select(e => e.Value.Value)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            return accepted.Contains("br") ? (_brotli.Value, "br")
                : accepted.Contains("gzip") ? (_gzip.Value, "gzip")
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
            var (bytes, encoding) = representation.For(http.Request);
            headers.ETag = representation.TagOf(encoding);

            // Stored, but asked about again each time: a re-division must reach a client at once.
            headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
            if (http.Request.GetTypedHeaders().IfNoneMatch.Any(representation.IsNamedBy))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.ContentType = "application/json; charset=utf-8";
            if (encoding is not null)
            {
                response.Headers.ContentEncoding = encoding;
            }

            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, http.RequestAborted);
        }
    }
}
