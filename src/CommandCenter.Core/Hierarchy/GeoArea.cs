using CommandCenter.Core.Alerts;
using NetTopologySuite.Geometries;

namespace CommandCenter.Core.Hierarchy;

/// <summary>Areas and points of lon/lat shapes, in the units people read.</summary>
public static class GeoArea
{
    private const double MetresPerDegreeLatitude = 110_574;
    private const double MetresPerDegreeLongitudeAtEquator = 111_320;

    /// <summary>
    /// The area in m² of a shape in degrees. Equirectangular around the shape's own latitude φ (110,574 m per degree
    /// of latitude, 111,320·cos φ per degree of longitude): within a fraction of a percent at city scale.
    /// </summary>
    public static double SquareMetres(Geometry shape) =>
        shape.IsEmpty
            ? 0
            : shape.Area * MetresPerDegreeLatitude * MetresPerDegreeLongitudeAtEquator * Math.Cos(shape.EnvelopeInternal.Centre.Y * Math.PI / 180);

    /// <summary>A point inside the shape (not its centroid, which can fall in a hole or between two parts).</summary>
    public static GeoPoint PointIn(Geometry shape)
    {
        var point = shape.InteriorPoint;
        return new GeoPoint(point.Y, point.X);
    }
}
