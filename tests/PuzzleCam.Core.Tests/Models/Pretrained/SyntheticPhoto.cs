namespace PuzzleCam.Core.Tests.Models.Pretrained;

/// <summary>
/// A deterministic photo-like RGB image (sky gradient, sun, textured ground, a house, trees, sensor noise) with the
/// smooth regions, edges and texture that drive a real CNN's activations far from a noise input's.
/// </summary>
internal static class SyntheticPhoto
{
    /// <summary>HWC bytes of a <paramref name="height"/>×<paramref name="width"/> RGB scene.</summary>
    public static byte[] Create(int height, int width, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[height * width * 3];
        double horizon = height * (0.45 + 0.1 * random.NextDouble());
        double sunX = width * (0.2 + 0.6 * random.NextDouble()), sunY = horizon * 0.4, sunR = height * 0.08;
        var (houseX0, houseX1) = (width * 0.55, width * 0.8);
        var (houseY0, houseY1) = (horizon - height * 0.18, horizon + height * 0.05);
        double[] trees = [width * 0.12, width * 0.3, width * 0.92];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double r, g, b;
                if (y < horizon)
                {
                    double t = y / horizon;
                    (r, g, b) = (90 + 110 * t, 140 + 80 * t, 230 - 20 * t);
                    double d = Math.Sqrt((x - sunX) * (x - sunX) + (y - sunY) * (y - sunY));
                    double glow = Math.Exp(-Math.Max(0, d - sunR) / (sunR * 0.6));
                    (r, g, b) = (r + (255 - r) * glow, g + (245 - g) * glow, b + (200 - b) * glow);
                }
                else
                {
                    double t = (y - horizon) / (height - horizon);
                    double grass = 0.5 + 0.25 * Math.Sin(x * 0.9 + y * 0.35) + 0.25 * Math.Sin(x * 0.13 - y * 0.7);
                    (r, g, b) = (60 + 50 * t + 30 * grass, 110 + 40 * grass - 30 * t, 40 + 20 * t);
                }
                if (x >= houseX0 && x < houseX1 && y >= houseY0 && y < houseY1)
                {
                    bool window = (int)((x - houseX0) / 9) % 3 == 1 && (int)((y - houseY0) / 9) % 3 == 1;
                    (r, g, b) = window ? (40, 50, 70) : (170, 60 + 10 * ((y / 4) % 2), 50);
                }
                foreach (double tx in trees)
                {
                    double crown = (x - tx) * (x - tx) / 90.0 + (y - horizon + 30) * (y - horizon + 30) / 300.0;
                    if (Math.Abs(x - tx) < 3 && y > horizon - 20 && y < horizon + 8) (r, g, b) = (70, 45, 25);
                    else if (crown < 1) (r, g, b) = (30 + 20 * crown, 90 + 40 * Math.Sin(x + y), 35);
                }
                int i = (y * width + x) * 3;
                pixels[i] = Clamp(r + random.NextDouble() * 12 - 6);
                pixels[i + 1] = Clamp(g + random.NextDouble() * 12 - 6);
                pixels[i + 2] = Clamp(b + random.NextDouble() * 12 - 6);
            }
        }
        return pixels;
    }

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
