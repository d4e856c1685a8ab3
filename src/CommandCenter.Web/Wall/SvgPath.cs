using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;

namespace CommandCenter.Web.Wall;

/// <summary>A node's boundary as one SVG path, the same way on every map the app draws.</summary>
public static class SvgPath
{
    /// <summary>
    /// Every ring of every polygon as one path: a grid split by a river draws both parts, and with
    /// <c>fill-rule="evenodd"</c> on the element a hole stays empty whichever way its ring runs.
    /// </summary>
    public static string Of(Geometry boundary, Func<double, double, (double X, double Y)> project)
    {
        var path = new StringBuilder();
        for (var p = 0; p < boundary.NumGeometries; p++)
        {
            if (boundary.GetGeometryN(p) is not Polygon polygon)
            {
                continue;
            }

            AppendRing(path, polygon.ExteriorRing.Coordinates, project);
            foreach (var hole in polygon.InteriorRings)
            {
                AppendRing(path, hole.Coordinates, project);
            }
        }

        return path.ToString();
    }

    private static void AppendRing(StringBuilder path, Coordinate[] ring, Func<double, double, (double X, double Y)> project)
    {
        for (var i = 0; i < ring.Length - 1; i++)
        {
            var (x, y) = project(ring[i].Y, ring[i].X);
            path.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? 'M' : 'L')}{x:0.#},{y:0.#}");
        }

        path.Append('Z');
    }
}
