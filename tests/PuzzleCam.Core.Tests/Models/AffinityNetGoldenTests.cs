using System.Diagnostics;
using PuzzleCam.Affinity;
using PuzzleCam.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>Golden case 06: the AffinityNet forward (edge map, edge branches, affinities, get_edge).</summary>
public class AffinityNetGoldenTests(ITestOutputHelper output)
{
    private const string Case = "case06_affinitynet_resnet50";
    private const string PathCase = "case05_path_index_and_affinity_labels";

    [Fact]
    [Trait("Category", "Golden")]
    public void EdgesAndAffinitiesMatchReference()
    {
        var reference = ReferenceConstructor.Read(Case);
        Assert.Equal("AffinityNet", reference.Network);
        var clock = Stopwatch.StartNew();
        // The affinity input is paired with the case-05 path index (its size is that of the edge map).
        using var json = GoldenData.Json(PathCase, "scalars.json");
        var size = json.RootElement.GetProperty("r10_default_size").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var pathIndex = new PathIndex(reference.Int("radius"), size[0], size[1]);
        using var model = AffinityNet.Create(reference.Architecture, pathIndex);
        GoldenWeights.Fill(model);
        model.eval();
        output.WriteLine($"build and fill {clock.Elapsed.TotalSeconds:F2} s");

        static bool IsPathBuffer(string key) => key.StartsWith("path_indices_", StringComparison.Ordinal);
        GoldenModel.AssertReferenceKeys(Case, model.ReferenceStateDict(), IsPathBuffer);
        var expectedBuffers = File.ReadLines(Path.Combine(GoldenData.CaseDir(Case), "state_dict_keys.txt"))
            .Select(l => l.Split('\t')[0]).Where(IsPathBuffer).Order(StringComparer.Ordinal);
        Assert.Equal(expectedBuffers, model.state_dict().Keys.Where(IsPathBuffer).Order(StringComparer.Ordinal));
        Assert.Equal(reference.ModelInfo(Case, "n_parameters"), model.parameters().Sum(p => p.numel()));
        GoldenWeights.VerifyChecksums(model, Case);

        clock.Restart();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = GoldenModel.LoadTensor(Case, "input.npy");
        var stage = x;
        for (int s = 1; s <= 5; s++)
        {
            stage = model.Stage(s, stage);
            GoldenModel.AssertClose(Case, $"fc_edge{s}_out.npy", model.EdgeLayer(s).forward(stage), output);
        }
        GoldenModel.AssertClose(Case, "edge.npy", model.forward(x), output);

        var (edge, affinity) = model.ForwardWithAffinity(GoldenModel.LoadTensor(Case, "aff_input.npy"));
        GoldenModel.AssertClose(Case, "aff_edge.npy", edge, output);
        GoldenModel.AssertClose(Case, "aff.npy", affinity, output);
        output.WriteLine($"forwards {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    [Trait("Category", "Golden")]
    [Trait("Category", "Slow")]
    public void GetEdgeMatchesReference()
    {
        var reference = ReferenceConstructor.Read(Case);
        using var model = AffinityNet.Create(reference.Architecture, pathIndex: null);
        GoldenWeights.Fill(model);
        model.eval();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var edge = model.GetEdge(GoldenModel.LoadTensor(Case, "rw_input_images.npy"));
        GoldenModel.AssertClose(Case, "rw_edge.npy", edge, output);
        output.WriteLine($"get_edge (2x3x512x512 forward) {clock.Elapsed.TotalSeconds:F2} s");
    }
}
