namespace PuzzleCam.Interactive;

/// <summary>Maps at the stride of the edge network and the random walk, brought to image size for display.</summary>
public static class Strided
{
    /// <summary>Image pixels per cell side of the edge map and of the CAMs the walk runs on.</summary>
    public const int Stride = RandomWalk.RandomWalkPropagation.Stride;

    /// <summary>Every image pixel takes the value of the cell it lies in.</summary>
    public static float[] Nearest(EdgeMap map, int width, int height)
    {
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                values[y * width + x] = map[Math.Min(y / Stride, map.Height - 1), Math.Min(x / Stride, map.Width - 1)];
        return values;
    }

    /// <summary>
    /// Stride-4 planes upsampled as the random walk's result is (bilinear x4 with half-pixel centres, then cropped to
    /// the image), so a map drawn from here lines up with the <c>rw</c> arrays.
    /// </summary>
    public static ClassMaps Upsample(ClassMaps maps, int width, int height) => Resample.Bilinear(maps, width, height, 1.0 / Stride);
}
