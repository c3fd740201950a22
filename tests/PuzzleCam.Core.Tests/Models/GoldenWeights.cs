using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>
/// The golden vectors' deterministic weights ("weight formula v1", golden README): every floating state-dict tensor
/// (no aliases; the networks register none) gets a chirped sinusoid indexed by its rank k in ordinal key order.
/// </summary>
internal static class GoldenWeights
{
    /// <summary>The formula tensors of <paramref name="model"/> in k order.</summary>
    public static List<(string Key, Tensor Value)> FormulaTensors(nn.Module model) =>
        model.state_dict()
            .Where(kv => kv.Value.is_floating_point())
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();

    public static void Fill(nn.Module model)
    {
        var tensors = FormulaTensors(model);
        using (no_grad())
        {
            for (int k = 0; k < tensors.Count; k++)
            {
                var (key, tensor) = tensors[k];
                var values = Values(key, tensor.shape, k);
                using var source = torch.tensor(values, tensor.shape);
                tensor.copy_(source);
            }
        }
    }

    public static float[] Values(string key, long[] shape, int k)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        Func<double, double> map;
        if (shape.Length >= 2)
        {
            double scale = Math.Sqrt(2.0 / (n / shape[0]));
            map = b => b * scale;
        }
        else if (key.EndsWith("running_var", StringComparison.Ordinal)) map = b => 1 + 0.5 * Math.Abs(b);
        else if (key.EndsWith("running_mean", StringComparison.Ordinal)) map = b => 0.1 * b;
        else if (key.EndsWith(".weight", StringComparison.Ordinal)) map = b => 1 + 0.1 * b;
        else if (key.EndsWith(".bias", StringComparison.Ordinal)) map = b => 0.1 * b;
        else throw new InvalidOperationException($"weight formula v1 has no rule for 1-D key {key}");
        double kk = k;
        Parallel.For(0, (n + 65535) / 65536, chunk =>
        {
            long end = Math.Min(n, (chunk + 1) * 65536);
            for (long i = chunk * 65536; i < end; i++)
            {
                double di = i;
                double arg = (0.7 * di + 1.3 * kk) + (0.001 * di) * di;
                values[i] = (float)map(Math.Sin(arg));
            }
        });
        return values;
    }

    /// <summary>Checks every filled tensor against <c>weight_checksums.txt</c>; returns the number checked.</summary>
    public static int VerifyChecksums(nn.Module model, string caseName)
    {
        var tensors = FormulaTensors(model);
        var lines = File.ReadAllLines(Path.Combine(GoldenData.CaseDir(caseName), "weight_checksums.txt"))
            .Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.Equal(lines.Count, tensors.Count);
        for (int k = 0; k < lines.Count; k++)
        {
            var cols = lines[k].Split('\t');
            var (key, tensor) = tensors[k];
            Assert.Equal(k, int.Parse(cols[0], CultureInfo.InvariantCulture));
            Assert.Equal(cols[1], key);
            Assert.Equal(cols[2], FormatShape(tensor.shape));
            using var contiguous = tensor.detach().contiguous();
            var v = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
            double sum = 0, sumAbs = 0;
            foreach (var x in v) { sum += x; sumAbs += Math.Abs(x); }
            double expectedAbs = Parse(cols[4]);
            Assert.True(Math.Abs(sum - Parse(cols[3])) <= 1e-9 * expectedAbs + 1e-9, $"{key}: sum {sum} vs {cols[3]}");
            Assert.True(Math.Abs(sumAbs - expectedAbs) <= 1e-9 * expectedAbs, $"{key}: sum|v| {sumAbs} vs {cols[4]}");
            Assert.Equal((float)Parse(cols[5]), v[0]);
            Assert.Equal((float)Parse(cols[6]), v[Math.Min(1, v.Length - 1)]);
            Assert.Equal((float)Parse(cols[7]), v[^1]);
        }
        return lines.Count;
    }

    public static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
