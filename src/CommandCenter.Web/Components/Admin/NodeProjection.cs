using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Components.Admin;

/// <summary>
/// One node's map at a fixed pixel size, both ways: a point to its place on the map and a click back to a point.
/// Equirectangular with the longitude squeezed by cos(latitude), as the wall draws (shapes keep their proportions at
/// city scale), with a margin so the outline never touches the edge.
/// </summary>
public sealed class NodeProjection
{
    private const double Margin = 0.04;
    private readonly Envelope _envelope;
    private readonly double _squeeze;
    private readonly double _scale;
    private readonly double _padding;

    public NodeProjection(Geometry shape, double width)
    {
        _envelope = shape.EnvelopeInternal;
        _squeeze = Math.Cos(_envelope.Centre.Y * Math.PI / 180);
        _padding = width * Margin;
        _scale = (width - 2 * _padding) / (_envelope.Width * _squeeze);
        Width = width;
        Height = Math.Round(_envelope.Height * _scale + 2 * _padding, 1);
    }

    public double Width { get; }

    public double Height { get; }

    public (double X, double Y) Project(double latitude, double longitude) =>
        (_padding + (longitude - _envelope.MinX) * _squeeze * _scale, _padding + (_envelope.MaxY - latitude) * _scale);

    /// <summary>The point under a pixel of the map, rounded to 6 decimals (about 0.1 m), as a person would type it.</summary>
    public (double Latitude, double Longitude) Unproject(double x, double y) =>
        (Math.Round(_envelope.MaxY - (y - _padding) / _scale, 6), Math.Round(_envelope.MinX + (x - _padding) / (_squeeze * _scale), 6));

    /// <summary>A boundary (every part and hole) as an SVG path.</summary>
    public string PathOf(Geometry boundary) => Web.Wall.SvgPath.Of(boundary, Project);
}
