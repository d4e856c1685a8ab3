using System.Globalization;
using System.Text.Json;
using CommandCenter.Core.Hierarchy;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CommandCenter.Infrastructure.Import;

/// <summary>What a city's GeoJSON held: the nodes read from it, and a problem for everything that could not be read.</summary>
public sealed record CityReadResult(IReadOnlyList<AdminNode> Nodes, IReadOnlyList<DivisionProblem> Problems);

/// <summary>
/// Reads a city's own map: a GeoJSON (RFC 7946) FeatureCollection in WGS84 lon/lat, one Feature per node, whose
/// properties are <c>code</c>, <c>name</c>, <c>level</c> (city | town | community | grid), <c>parentCode</c> (not on
/// the city) and, optionally, <c>kind</c>, <c>responsible</c>, <c>responsiblePhone</c> and <c>workers</c>
/// ([{name, phone}]). The boundary is a Polygon or a MultiPolygon, holes allowed.
/// </summary>
/// <remarks>
/// Nothing in the file makes it throw: what cannot be read is an error naming the feature by its code, or by its
/// index in <c>features</c> when it has none. A feature with any problem is left out; the validator finds the rest
/// (duplicate codes, unknown parents, overlaps, gaps).
/// <para>
/// A missing <c>kind</c> follows the level and the parent: a town is a Street (街道); a community is a Village under
/// a Town (镇) and a Community otherwise; a grid is Rural in a Village and Urban otherwise.
/// </para>
/// </remarks>
public static class GeoJsonCityReader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)) },
    };

    private static readonly Dictionary<NodeLevel, NodeKind[]> KindsByLevel = new()
    {
        [NodeLevel.City] = [NodeKind.City],
        [NodeLevel.Town] = [NodeKind.Street, NodeKind.Town],
        [NodeLevel.Community] = [NodeKind.Community, NodeKind.Village],
        [NodeLevel.Grid] = [NodeKind.Urban, NodeKind.Rural],
    };

    public static async Task<CityReadResult> ReadAsync(Stream geoJson, CancellationToken ct = default)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(geoJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }, ct);
        }
        catch (JsonException ex)
        {
            return Failed(DivisionProblemKind.MalformedJson, $"The file is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static CityReadResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var type)
            || type.ValueKind != JsonValueKind.String
            || type.GetString() != "FeatureCollection")
        {
            var what = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var given) ? $"a GeoJSON {given}" : $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}";
            return Failed(DivisionProblemKind.NotAFeatureCollection, $"The file is {what}, not a GeoJSON FeatureCollection with one Feature per node.");
        }

        if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            return Failed(DivisionProblemKind.NotAFeatureCollection, "The FeatureCollection has no 'features' array.");
        }

        var problems = new List<DivisionProblem>();
        var drafts = new List<Draft>();
        var index = 0;
        foreach (var element in features.EnumerateArray())
        {
            if (new FeatureReader(element, index++, problems).Read() is { } draft)
            {
                drafts.Add(draft);
            }
        }

        return new CityReadResult(WithKinds(drafts), problems);
    }

    /// <summary>Fills in the kinds left out, top down, so a grid can follow its community.</summary>
    private static List<AdminNode> WithKinds(List<Draft> drafts)
    {
        var byCode = new Dictionary<string, NodeKind>(StringComparer.Ordinal);
        var resolved = new Dictionary<Draft, NodeKind>(ReferenceEqualityComparer.Instance);
        foreach (var draft in drafts.OrderBy(d => d.Node.Level))
        {
            var parentKind = draft.Node.ParentCode is { } parent && byCode.TryGetValue(parent, out var kind) ? kind : (NodeKind?)null;
            var settled = draft.Kind ?? (draft.Node.Level, parentKind) switch
            {
                (NodeLevel.City, _) => NodeKind.City,
                (NodeLevel.Town, _) => NodeKind.Street,
                (NodeLevel.Community, NodeKind.Town) => NodeKind.Village,
                (NodeLevel.Community, _) => NodeKind.Community,
                (NodeLevel.Grid, NodeKind.Village) => NodeKind.Rural,
                _ => NodeKind.Urban,
            };
            byCode.TryAdd(draft.Node.Code, settled);
            resolved[draft] = settled;
        }

        return [.. drafts.Select(d => d.Node with { Kind = resolved[d] })];
    }

    private static CityReadResult Failed(DivisionProblemKind kind, string message) =>
        new([], [new DivisionProblem(ProblemSeverity.Error, kind, null, message)]);

    /// <summary>A node as read, with the kind the file gave it, if any: the rest is settled against its parent.</summary>
    private sealed record Draft(AdminNode Node, NodeKind? Kind);

    /// <summary>One feature: its properties and boundary, every problem with them reported under its name.</summary>
    private sealed class FeatureReader(JsonElement element, int index, List<DivisionProblem> problems)
    {
        private string? _code;
        private bool _failed;

        public Draft? Read()
        {
            _code = RawCode();
            IFeature? feature;
            try
            {
                feature = element.Deserialize<IFeature>(Json);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
            {
                ReportUnreadable(ex);
                return null;
            }

            if (feature is null)
            {
                Report(DivisionProblemKind.MalformedFeature, "is null, not a GeoJSON Feature.");
                return null;
            }

            var properties = feature.Attributes;
            if (properties is null)
            {
                Report(DivisionProblemKind.MissingProperty, "has no properties (code, name, level, parentCode).");
                return null;
            }

            _code = Text(properties, "code", required: true, numbersAllowed: true);
            var name = Text(properties, "name", required: true);
            var level = Level(properties);
            var parentCode = Text(properties, "parentCode", required: level is not null and not NodeLevel.City, numbersAllowed: true);
            var kind = Kind(properties, level);
            var responsible = Text(properties, "responsible", required: false);
            var phone = Text(properties, "responsiblePhone", required: false);
            var workers = Workers(properties);
            var boundary = Boundary(feature.Geometry);
            if (_failed)
            {
                return null;
            }

            return new Draft(
                new AdminNode(_code!, name!, level!.Value, NodeKind.City, parentCode, new Person(responsible ?? string.Empty, phone), workers, boundary!),
                kind);
        }

        /// <summary>The code as written, to name the feature even when the rest of it cannot be read.</summary>
        private string? RawCode() =>
            element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("code", out var code)
            && code.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? code.ValueKind == JsonValueKind.String ? code.GetString() : code.GetRawText()
                : null;

        /// <summary>Says whether the boundary or the feature around it is what the library could not read.</summary>
        private void ReportUnreadable(Exception ex)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Report(DivisionProblemKind.MalformedFeature, $"is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not a GeoJSON Feature.");
                return;
            }

            if (element.TryGetProperty("geometry", out var geometry) && geometry.ValueKind != JsonValueKind.Null)
            {
                try
                {
                    geometry.Deserialize<Geometry>(Json);
                }
                catch (Exception geometryEx) when (geometryEx is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
                {
                    Report(DivisionProblemKind.InvalidGeometry, $"has a boundary that cannot be read: {geometryEx.Message}");
                    return;
                }
            }

            Report(DivisionProblemKind.MalformedFeature, $"is not a readable GeoJSON Feature: {ex.Message}");
        }

        private string? Text(IAttributesTable properties, string name, bool required, bool numbersAllowed = false)
        {
            switch (properties.GetOptionalValue(name))
            {
                case string text when !string.IsNullOrWhiteSpace(text):
                    return text.Trim();
                case null or string:
                    if (required)
                    {
                        Report(DivisionProblemKind.MissingProperty, $"has no '{name}'.");
                    }

                    return null;

                // GIS exports often type a code column as a number; a phone number would lose its leading zero.
                case decimal number when numbersAllowed && number == decimal.Truncate(number) && number >= 0:
                    return number.ToString("0", CultureInfo.InvariantCulture);
                default:
                    Report(DivisionProblemKind.InvalidProperty, $"has a '{name}' that is not a string.");
                    return null;
            }
        }

        private NodeLevel? Level(IAttributesTable properties)
        {
            var text = Text(properties, "level", required: true);
            NodeLevel? level = text?.ToLowerInvariant() switch
            {
                null => null,
                "city" => NodeLevel.City,
                "town" => NodeLevel.Town,
                "community" => NodeLevel.Community,
                "grid" => NodeLevel.Grid,
                _ => null,
            };
            if (text is not null && level is null)
            {
                Report(DivisionProblemKind.InvalidProperty, $"has level '{text}'; expected city, town, community or grid.");
            }

            return level;
        }

        private NodeKind? Kind(IAttributesTable properties, NodeLevel? level)
        {
            if (Text(properties, "kind", required: false) is not { } text)
            {
                return null;
            }

            var allowed = level is { } known ? KindsByLevel[known] : Enum.GetValues<NodeKind>();
            var kind = allowed.Where(k => k.ToString().Equals(text, StringComparison.OrdinalIgnoreCase)).Select(k => (NodeKind?)k).FirstOrDefault();
            if (kind is null)
            {
                var of = level is null ? string.Empty : $" for a {level.Value.ToString().ToLowerInvariant()}";
                Report(DivisionProblemKind.InvalidProperty, $"has kind '{text}'; expected{of} one of {string.Join(", ", allowed)}.");
            }

            return kind;
        }

        private List<Person> Workers(IAttributesTable properties)
        {
            var workers = new List<Person>();
            switch (properties.GetOptionalValue("workers"))
            {
                case null:
                    return workers;
                case object[] list:
                    for (var i = 0; i < list.Length; i++)
                    {
                        if (list[i] is IAttributesTable worker && worker.GetOptionalValue("name") is string { Length: > 0 } name
                            && worker.GetOptionalValue("phone") is null or string)
                        {
                            workers.Add(new Person(name.Trim(), (worker.GetOptionalValue("phone") as string)?.Trim()));
                        }
                        else
                        {
                            Report(DivisionProblemKind.InvalidProperty, $"has a worker (workers[{i}]) that is not {{\"name\": string, \"phone\": string}}.");
                        }
                    }

                    return workers;
                default:
                    Report(DivisionProblemKind.InvalidProperty, "has 'workers' that is not an array of {\"name\", \"phone\"}.");
                    return workers;
            }
        }

        private Geometry? Boundary(Geometry? geometry)
        {
            switch (geometry)
            {
                case null:
                    Report(DivisionProblemKind.MissingProperty, "has no geometry.");
                    return null;
                case Polygon or MultiPolygon:
                    return geometry;
                default:
                    Report(DivisionProblemKind.UnsupportedGeometry, $"has a {geometry.GeometryType} for a boundary; only Polygon and MultiPolygon are allowed.");
                    return null;
            }
        }

        private void Report(DivisionProblemKind kind, string what)
        {
            _failed = true;
            var name = _code is null ? $"Feature #{index}" : $"Feature #{index} ({_code})";
            problems.Add(new DivisionProblem(ProblemSeverity.Error, kind, _code, $"{name} {what}") { FeatureIndex = index });
        }
    }
}
