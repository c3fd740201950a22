using SkiaSharp;

namespace PuzzleCam.Data.Synthetic;

/// <summary>
/// Paints a <see cref="SceneLayout"/> with SkiaSharp, antialiased: a cluttered background, then each object (shaded
/// body of a shared look, pattern, dark outline, class badge), then sensor grain. Appearance choices draw from the
/// image's random stream after the layout, so they never change the geometry.
/// </summary>
internal static class SceneRenderer
{
    private const double DecoyBadgeColourChance = 0.3;

    public static RgbImage Render(SceneLayout layout, SplitMix64 rng)
    {
        int s = layout.Size;
        using var bitmap = new SKBitmap(new SKImageInfo(s, s, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            DrawBackground(canvas, s, rng);
            foreach (var o in layout.Objects) DrawObject(canvas, o, s, rng);
        }
        return WithGrain(bitmap, rng);
    }

    private static void DrawBackground(SKCanvas canvas, int s, SplitMix64 rng)
    {
        var (dx, dy) = rng.UnitVector();
        float h = s / 2f;
        using (var shader = SKShader.CreateLinearGradient(
                   new SKPoint(h - (float)dx * h, h - (float)dy * h), new SKPoint(h + (float)dx * h, h + (float)dy * h),
                   [Muted(rng, 0, 0.25, 0.3, 0.85), Muted(rng, 0, 0.25, 0.3, 0.85)], SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader })
            canvas.DrawRect(0, 0, s, s, paint);

        // Soft blotches: low-frequency shading that a segmenter must not take for objects.
        int blotches = 3 + rng.NextInt(6);
        for (int i = 0; i < blotches; i++)
        {
            var centre = new SKPoint((float)rng.Uniform(0, s), (float)rng.Uniform(0, s));
            float radius = (float)rng.Uniform(0.1, 0.4) * s;
            var colour = Muted(rng, 0, 0.3, 0.2, 0.9);
            using var shader = SKShader.CreateRadialGradient(centre, radius,
                [colour.WithAlpha((byte)rng.Uniform(60, 130)), colour.WithAlpha(0)], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader, IsAntialias = true };
            canvas.DrawCircle(centre, radius, paint);
        }

        if (rng.Chance(0.55))
        {
            float period = (float)rng.Uniform(5, Math.Max(8, 0.12 * s));
            float width = period * (float)rng.Uniform(0.25, 0.6);
            using var paint = new SKPaint
            {
                Color = Muted(rng, 0, 0.3, 0.1, 0.95).WithAlpha((byte)rng.Uniform(30, 80)),
                IsAntialias = true,
            };
            canvas.Save();
            canvas.RotateDegrees((float)rng.Uniform(0, 180), h, h);
            for (float x = -s; x < 2 * s; x += period) canvas.DrawRect(x, -s, width, 3 * s, paint);
            canvas.Restore();
        }

        int distractors = 4 + rng.NextInt(9);
        for (int i = 0; i < distractors; i++) DrawDistractor(canvas, s, rng);
    }

    /// <summary>
    /// Clutter that is no class: lines, bars, small ellipses, arcs, some in badge colours, and badge outlines in muted
    /// colours, so neither a badge's colour nor its shape alone makes a class; only the combination on a body does.
    /// </summary>
    private static void DrawDistractor(SKCanvas canvas, int s, SplitMix64 rng)
    {
        int kind = rng.NextInt(5);
        var colour = kind != 4 && rng.Chance(DecoyBadgeColourChance)
            ? ClassBadge.Colours[rng.NextInt(ClassBadge.Colours.Count)]
            : Muted(rng, 0.05, 0.5, 0.15, 0.9);
        float x = (float)rng.Uniform(0, s), y = (float)rng.Uniform(0, s);
        using var paint = new SKPaint { Color = colour, IsAntialias = true, StrokeCap = SKStrokeCap.Round };
        canvas.Save();
        canvas.RotateDegrees((float)rng.Uniform(0, 360), x, y);
        switch (kind)
        {
            case 0:
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = (float)rng.Uniform(1, Math.Max(1.5, 0.015 * s));
                canvas.DrawLine(x, y, x + (float)rng.Uniform(0.05, 0.3) * s, y, paint);
                break;
            case 1:
            {
                float w = (float)rng.Uniform(0.015, 0.04) * s, l = (float)rng.Uniform(0.06, 0.2) * s;
                canvas.DrawRect(x - l / 2, y - w / 2, l, w, paint);
                break;
            }
            case 2:
            {
                float rx = (float)rng.Uniform(0.01, 0.05) * s;
                canvas.DrawOval(x, y, rx, rx * (float)rng.Uniform(0.4, 1), paint);
                break;
            }
            case 3:
            {
                float r = (float)rng.Uniform(0.03, 0.12) * s;
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = (float)rng.Uniform(1, Math.Max(1.5, 0.02 * s));
                using var arc = new SKPath();
                arc.AddArc(new SKRect(x - r, y - r, x + r, y + r), 0, (float)rng.Uniform(40, 220));
                canvas.DrawPath(arc, paint);
                break;
            }
            default:
            {
                var shape = (BadgeShape)rng.NextInt(ClassBadge.ShapeCount);
                using var badge = ClassBadge.Path(shape, x, y, rng.Uniform(0.02, 0.05) * s, 1, 0);
                canvas.DrawPath(badge, paint);
                break;
            }
        }
        canvas.Restore();
    }

    private static void DrawObject(SKCanvas canvas, PlacedObject o, int s, SplitMix64 rng)
    {
        var body = o.Body;
        var colour = BodyColour(o.Look, rng);
        using var outline = body.ToPath();
        float cx = (float)body.Cx, cy = (float)body.Cy, r = (float)body.Radius;

        // Shading from an off-centre highlight gives the body a volume and a smooth interior, unlike the clutter.
        var (hx, hy) = rng.UnitVector();
        var highlight = new SKPoint(cx + 0.35f * r * (float)hx, cy + 0.35f * r * (float)hy);
        using (var shader = SKShader.CreateRadialGradient(highlight, 1.6f * r,
                   [Scale(colour, 1.25), colour, Scale(colour, 0.7)], [0f, 0.45f, 1f], SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader, IsAntialias = true })
            canvas.DrawPath(outline, paint);

        canvas.Save();
        canvas.ClipPath(outline, SKClipOperation.Intersect, antialias: true);
        DrawPattern(canvas, body, colour, BodyLook.PatternOf(o.Look), rng);
        canvas.Restore();

        using (var paint = new SKPaint
               {
                   Color = Scale(colour, 0.35),
                   IsAntialias = true,
                   Style = SKPaintStyle.Stroke,
                   StrokeWidth = (float)SceneLayout.OutlineWidth(s),
                   StrokeJoin = SKStrokeJoin.Round,
               })
            canvas.DrawPath(outline, paint);

        using var badge = ClassBadge.Path(ClassBadge.ShapeOf(o.ClassIndex), o.BadgeX, o.BadgeY, o.BadgeRadius, o.BadgeTurn.X, o.BadgeTurn.Y);
        using (var paint = new SKPaint { Color = ClassBadge.ColourOf(o.ClassIndex), IsAntialias = true })
            canvas.DrawPath(badge, paint);
        using (var paint = new SKPaint
               {
                   Color = new SKColor(245, 245, 240),
                   IsAntialias = true,
                   Style = SKPaintStyle.Stroke,
                   StrokeWidth = (float)Math.Max(1, 0.12 * o.BadgeRadius),
               })
            canvas.DrawPath(badge, paint);
    }

    /// <summary>The look's surface pattern over the whole body, a little darker than the body's colour.</summary>
    private static void DrawPattern(SKCanvas canvas, BlobShape body, SKColor colour, BodyPattern pattern, SplitMix64 rng)
    {
        float cx = (float)body.Cx, cy = (float)body.Cy, r = (float)body.Radius;
        float extent = (float)(body.Radius * body.MaxRadialFactor);
        using var paint = new SKPaint { Color = Scale(colour, 0.72).WithAlpha((byte)rng.Uniform(120, 190)), IsAntialias = true };
        switch (pattern)
        {
            case BodyPattern.Spots:
            {
                int spots = 8 + rng.NextInt(9);
                for (int i = 0; i < spots; i++)
                    canvas.DrawCircle(cx + (float)rng.Uniform(-extent, extent), cy + (float)rng.Uniform(-extent, extent),
                        (float)rng.Uniform(0.07, 0.13) * r, paint);
                break;
            }
            case BodyPattern.Stripes:
            {
                float period = (float)rng.Uniform(0.2, 0.35) * r;
                canvas.RotateDegrees((float)rng.Uniform(0, 180), cx, cy);
                for (float x = cx - extent; x < cx + extent; x += period)
                    canvas.DrawRect(x, cy - extent, 0.45f * period, 2 * extent, paint);
                break;
            }
            case BodyPattern.Grid:
            {
                float period = (float)rng.Uniform(0.22, 0.38) * r;
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = Math.Max(1f, 0.05f * r);
                canvas.RotateDegrees((float)rng.Uniform(0, 90), cx, cy);
                for (float t = -extent; t < extent; t += period)
                {
                    canvas.DrawLine(cx + t, cy - extent, cx + t, cy + extent, paint);
                    canvas.DrawLine(cx - extent, cy + t, cx + extent, cy + t, paint);
                }
                break;
            }
            case BodyPattern.Rings:
            {
                float period = (float)rng.Uniform(0.22, 0.36) * r;
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = 0.4f * period;
                float ox = cx + (float)rng.Uniform(-0.3, 0.3) * r, oy = cy + (float)rng.Uniform(-0.3, 0.3) * r;
                for (float radius = 0.5f * period; radius < 2.2f * extent; radius += period) canvas.DrawCircle(ox, oy, radius, paint);
                break;
            }
        }
    }

    /// <summary>The body colour of a look: its hue family, turned a little and muted far below the badges' saturation.</summary>
    private static SKColor BodyColour(int look, SplitMix64 rng) =>
        SKColor.FromHsv(
            (float)((BodyLook.HueOf(look) + rng.Uniform(-12, 12) + 360) % 360),
            (float)rng.Uniform(30, 46),
            (float)rng.Uniform(50, 74));

    private static SKColor Muted(SplitMix64 rng, double minSat, double maxSat, double minVal, double maxVal) =>
        SKColor.FromHsv((float)rng.Uniform(0, 360), (float)(100 * rng.Uniform(minSat, maxSat)), (float)(100 * rng.Uniform(minVal, maxVal)));

    private static SKColor Scale(SKColor c, double f) =>
        new((byte)Math.Min(255, c.Red * f), (byte)Math.Min(255, c.Green * f), (byte)Math.Min(255, c.Blue * f), c.Alpha);

    /// <summary>Copies the opaque canvas to RGB and adds zero-mean sensor grain (a sum of three uniforms per channel).</summary>
    private static RgbImage WithGrain(SKBitmap bitmap, SplitMix64 rng)
    {
        double sigma = rng.Uniform(2, 6);
        var rgba = bitmap.GetPixelSpan();
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        var rgb = image.Pixels;
        const double scale = 1.0 / (1 << 21);
        for (int i = 0, j = 0; i < rgb.Length; i++, j++)
        {
            if ((j & 3) == 3) j++;
            ulong bits = rng.NextUInt64();
            // Three 21-bit uniforms: their sum has variance 1/4, so twice it (centred) has unit variance.
            double u = ((bits & 0x1FFFFF) + ((bits >> 21) & 0x1FFFFF) + ((bits >> 42) & 0x1FFFFF)) * scale;
            double value = rgba[j] + sigma * 2 * (u - 1.5);
            rgb[i] = (byte)Math.Clamp((int)Math.Round(value), 0, 255);
        }
        return image;
    }
}
