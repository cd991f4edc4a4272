namespace DataForge.SegEdit.Masks;

/// <summary>
/// Turns a COCO polygon into the RLE that pycocotools' <c>frPyObjects</c> gives, pixel for pixel, so masks match
/// what every COCO-trained model saw. Its rule: the outline is walked on a grid 5× finer than the pixels (vertices
/// rounded half-up), every step that crosses a pixel column's centre marks where that column enters or leaves the
/// object, and the marks, sorted in column-major order, become alternating runs. Points outside the image are
/// clipped by that rule (columns outside are skipped, rows clamped).
/// </summary>
public static class PolygonRasterizer
{
    private const double Scale = 5;

    /// <param name="xy">x0, y0, x1, y1, …: at least three points.</param>
    public static CocoRle ToRle(ReadOnlySpan<double> xy, int height, int width)
    {
        var (u, v) = TraceOutline(xy);
        var boundaries = ColumnCrossings(u, v, height, width);
        return new CocoRle(height, width, RunsFromBoundaries(boundaries, height, width));
    }

    /// <summary>Every grid point on the closed outline, on the upsampled grid, in walking order.</summary>
    private static (int[] U, int[] V) TraceOutline(ReadOnlySpan<double> xy)
    {
        var k = xy.Length / 2;
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (var j = 0; j < k; j++)
        {
            // Truncation toward zero after adding 0.5, as C's (int) cast does.
            x[j] = (int)((Scale * xy[2 * j]) + 0.5);
            y[j] = (int)((Scale * xy[(2 * j) + 1]) + 0.5);
        }

        x[k] = x[0];
        y[k] = y[0];
        var total = 0;
        for (var j = 0; j < k; j++)
        {
            total += Math.Max(Math.Abs(x[j] - x[j + 1]), Math.Abs(y[j] - y[j + 1])) + 1;
        }

        var u = new int[total];
        var v = new int[total];
        var m = 0;
        for (var j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            var dx = Math.Abs(xe - xs);
            var dy = Math.Abs(ys - ye);
            // Each segment is walked from its lower end along its major axis, then written in the original direction.
            var flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }

            if (dx >= dy)
            {
                // A repeated vertex (dx = dy = 0) is one point; its row is never read (its column equals its neighbours').
                var slope = dx == 0 ? 0 : (double)(ye - ys) / dx;
                for (var d = 0; d <= dx; d++)
                {
                    var t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int)(ys + (slope * t) + 0.5);
                    m++;
                }
            }
            else
            {
                var slope = (double)(xe - xs) / dy;
                for (var d = 0; d <= dy; d++)
                {
                    var t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int)(xs + (slope * t) + 0.5);
                    m++;
                }
            }
        }

        return (u, v);
    }

    /// <summary>Column-major pixel positions where a column's inside/outside state toggles.</summary>
    private static List<uint> ColumnCrossings(int[] u, int[] v, int height, int width)
    {
        var crossings = new List<uint>();
        for (var j = 1; j < u.Length; j++)
        {
            if (u[j] == u[j - 1])
            {
                continue;
            }

            // The step crosses a pixel column centre only where the downsampled x is a whole number.
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = ((xd + 0.5) / Scale) - 0.5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1)
            {
                continue;
            }

            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = ((yd + 0.5) / Scale) - 0.5;
            yd = Math.Ceiling(Math.Clamp(yd, 0, height));
            crossings.Add((uint)(((int)xd * height) + (int)yd));
        }

        return crossings;
    }

    /// <summary>Sorted toggle positions to runs; toggles at the same position cancel, as pycocotools merges them.</summary>
    private static uint[] RunsFromBoundaries(List<uint> boundaries, int height, int width)
    {
        boundaries.Add((uint)(height * width));
        boundaries.Sort();
        var deltas = new uint[boundaries.Count];
        uint previous = 0;
        for (var j = 0; j < boundaries.Count; j++)
        {
            deltas[j] = boundaries[j] - previous;
            previous = boundaries[j];
        }

        var runs = new List<uint>(deltas.Length) { deltas[0] };
        for (var j = 1; j < deltas.Length;)
        {
            if (deltas[j] > 0)
            {
                runs.Add(deltas[j++]);
            }
            else
            {
                // A zero-length run: the two toggles cancel, so the next run joins the previous one.
                j++;
                if (j < deltas.Length)
                {
                    runs[^1] += deltas[j++];
                }
            }
        }

        return [.. runs];
    }
}
