using System.Runtime.InteropServices;
using System.Text.Json;
using PuzzleCam.IO;
using PuzzleCam.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Models;

/// <summary>Reading real PyTorch files (zip, legacy, float16) and loading them strictly through alias keys.</summary>
public class CheckpointTests
{
    private const string Folder = "checkpoints";

    /// <summary>The tiny module the golden checkpoints were saved from: <c>stage1</c> re-registers model.conv1 / model.bn1.</summary>
    private static readonly StateDictAliases TinyAliases = new([("stage1.0.", "model.conv1."), ("stage1.1.", "model.bn1.")]);

    private static nn.Module<Tensor, Tensor> TinyNet(long bnChannels = 4, bool withClassifier = true)
    {
        var model = nn.Sequential(("conv1", nn.Conv2d(3, 4, 3, bias: false)), ("bn1", nn.BatchNorm2d(bnChannels)));
        return withClassifier
            ? nn.Sequential(("model", model), ("classifier", nn.Conv2d(4, 2, 1, bias: false)))
            : nn.Sequential(("model", model));
    }

    private static Dictionary<string, (string DType, long[] Shape, double[] Flat)> Expected()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenData.CaseDir(Folder), "tiny_alias_expected.json")));
        return json.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("dtype").GetString()!,
                  p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                  p.Value.GetProperty("flat").EnumerateArray().Select(e => e.GetDouble()).ToArray()));
    }

    private static string FilePath(string name) => Path.Combine(GoldenData.CaseDir(Folder), name);

    private static double[] Values(Tensor t)
    {
        using var d = t.detach().to(ScalarType.Float64).contiguous();
        return MemoryMarshal.Cast<byte, double>(d.bytes).ToArray();
    }

    private static bool SharesMemory(Tensor a, Tensor b)
    {
        using var _ = no_grad();
        double original = Values(b)[0];
        a.view(-1)[0].fill_(original + 1);
        bool shared = Values(b)[0] != original;
        a.view(-1)[0].fill_(original);
        return shared;
    }

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("tiny_alias_zip.pth", ScalarType.Float32)]
    [InlineData("tiny_alias_legacy.pth", ScalarType.Float32)]
    [InlineData("tiny_alias_fp16_zip.pth", ScalarType.Float16)]
    public void ReadsEveryKeyOfRealFiles(string file, ScalarType floatType)
    {
        var expected = Expected();
        var read = TorchCheckpoint.Read(FilePath(file));
        Assert.Equal(expected.Keys, read.Keys);
        foreach (var (key, (dtype, shape, flat)) in expected)
        {
            var tensor = read[key];
            Assert.Equal(shape, tensor.shape);
            Assert.Equal(dtype == "int64" ? ScalarType.Int64 : floatType, tensor.dtype);
            // float16 keeps 11 significant bits.
            double tolerance = floatType == ScalarType.Float16 && dtype != "int64" ? 1.0 / 2048 : 0;
            var got = Values(tensor);
            for (int i = 0; i < flat.Length; i++) Assert.True(Math.Abs(got[i] - flat[i]) <= tolerance * Math.Abs(flat[i]), $"{key}[{i}]: {got[i]} vs {flat[i]}");
        }
        // Alias keys share their storage as in PyTorch (the float16 file was converted key by key, so it has copies).
        Assert.Equal(floatType == ScalarType.Float32, SharesMemory(read["model.conv1.weight"], read["stage1.0.weight"]));
    }

    [Theory]
    [Trait("Category", "Golden")]
    [InlineData("tiny_alias_zip.pth")]
    [InlineData("tiny_alias_legacy.pth")]
    [InlineData("tiny_alias_fp16_zip.pth")]
    public void LoadsThroughAliases(string file)
    {
        using var net = TinyNet();
        CheckpointLoader.Load(net, FilePath(file), TinyAliases);
        var state = net.state_dict();
        foreach (var (key, (_, _, flat)) in Expected().Where(e => !TinyAliases.IsAlias(e.Key)))
        {
            var got = Values(state[key]);
            for (int i = 0; i < flat.Length; i++) Assert.True(Math.Abs(got[i] - flat[i]) <= Math.Abs(flat[i]) / 2048, $"{key}[{i}]");
        }
        Assert.Equal(ScalarType.Float32, state["model.conv1.weight"].dtype);
        Assert.Equal(7L, state["model.bn1.num_batches_tracked"].item<long>());
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void LoadsFromAliasKeysAlone()
    {
        var aliasesOnly = TorchCheckpoint.Read(FilePath("tiny_alias_zip.pth"))
            .Where(kv => !kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        using var net = TinyNet();
        CheckpointLoader.Load(net, "aliases-only", aliasesOnly, TinyAliases, optional: null);
        Assert.Equal(9.0, Values(net.state_dict()["model.bn1.running_mean"])[0], 6);
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void RejectsShapeMismatchWithoutTouchingTheModule()
    {
        using var net = TinyNet(bnChannels: 5);
        var before = Values(net.state_dict()["model.conv1.weight"]);
        var error = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.Load(net, FilePath("tiny_alias_zip.pth"), TinyAliases));
        Assert.StartsWith(FilePath("tiny_alias_zip.pth"), error.Message);
        Assert.Contains("model.bn1.weight: file [4], model [5]", error.Message);
        Assert.Contains("nothing was loaded", error.Message);
        Assert.Equal(before, Values(net.state_dict()["model.conv1.weight"]));
    }

    [Fact]
    [Trait("Category", "Golden")]
    public void NamesUnexpectedAndMissingKeys()
    {
        using var net = TinyNet(withClassifier: false);
        var error = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.Load(net, FilePath("tiny_alias_legacy.pth"), TinyAliases));
        Assert.Contains("1 unexpected: classifier.weight [2, 4, 1, 1]", error.Message);

        var error2 = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.Load(TinyNet(), FilePath("tiny_alias_zip.pth"), StateDictAliases.None));
        Assert.Contains("6 unexpected: stage1.0.weight [4, 3, 3, 3]", error2.Message);
    }

    [Fact]
    public void WritesZipFilesItReadsBackWithAliasesShared()
    {
        using var net = TinyNet();
        using (no_grad())
        {
            foreach (var (_, t) in net.state_dict().Where(kv => kv.Value.is_floating_point())) t.uniform_(0, 1);
        }
        var path = Path.Combine(Directory.CreateTempSubdirectory("ckpt").FullName, "tiny.pth");
        var withAliases = TinyAliases.Expand(net.state_dict());
        TorchCheckpoint.Write(path, withAliases);
        var read = TorchCheckpoint.Read(path);
        Assert.Equal(withAliases.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        Assert.True(SharesMemory(read["model.bn1.weight"], read["stage1.1.weight"]));
        foreach (var (key, value) in withAliases) Assert.Equal(Values(value), Values(read[key]));

        using var copy = TinyNet();
        CheckpointLoader.Load(copy, path, TinyAliases);
        Assert.Equal(Values(net.state_dict()["classifier.weight"]), Values(copy.state_dict()["classifier.weight"]));
    }

    [Fact]
    public void RejectsFilesThatAreNotCheckpoints()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ckpt").FullName, "bad.pth");
        File.WriteAllText(path, "not a checkpoint");
        var error = Assert.Throws<InvalidDataFileException>(() => TorchCheckpoint.Read(path));
        Assert.Contains("not a PyTorch checkpoint", error.Message);
    }
}

/// <summary>Our own checkpoints: the reference's full key set (aliases included), read back exactly.</summary>
public class NetworkCheckpointTests
{
    [Fact]
    [Trait("Category", "Golden")]
    public void ClassifierCheckpointHasTheReferenceKeysAndRoundTrips()
    {
        const string caseName = "case03_classifier_resnet50";
        using var saved = Classifier.Create("resnet50", NormMode.Fix);
        GoldenWeights.Fill(saved);
        var path = Path.Combine(Directory.CreateTempSubdirectory("ckpt").FullName, "classifier.pth");
        saved.SaveCheckpoint(path);
        try
        {
            GoldenModel.AssertReferenceKeys(caseName, TorchCheckpoint.Read(path));
            using var loaded = Classifier.Create("resnet50", NormMode.Fix);
            loaded.LoadCheckpoint(path);
            GoldenWeights.VerifyChecksums(loaded, caseName);
            Assert.Equal(0L, loaded.state_dict()["model.bn1.num_batches_tracked"].item<long>());
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A trained network's backbone started from another network's checkpoint (<c>--backbone_from</c>).</summary>
public class BackboneTransferTests
{
    [Fact]
    public void DeepLabBackboneStartsFromAClassifierCheckpoint()
    {
        using var classifier = Classifier.Create("resnet50", NormMode.Normal);
        GoldenWeights.Fill(classifier);
        var path = Path.Combine(Directory.CreateTempSubdirectory("ckpt").FullName, "classifier.pth");
        classifier.SaveCheckpoint(path);
        try
        {
            using var deeplab = DeepLabV3Plus.Create("resnet50", NormMode.Fix, useGroupNorm: true);
            var headBefore = deeplab.state_dict().Where(kv => !kv.Key.StartsWith("model.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            CheckpointLoader.LoadBackboneOf(deeplab.Backbone, path);

            var expected = classifier.Backbone.state_dict();
            foreach (var (key, value) in deeplab.Backbone.state_dict())
                Assert.True(value.equal(expected[key]).all().item<bool>(), key);
            foreach (var (key, value) in deeplab.state_dict().Where(kv => headBefore.ContainsKey(kv.Key)))
                Assert.True(value.equal(headBefore[key]).all().item<bool>(), $"{key} is a head weight and must stay as built");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnotherBackboneOrAFileWithoutOneFailsNamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("ckpt").FullName;
        var classifierPath = Path.Combine(folder, "resnet50-classifier.pth");
        var headOnlyPath = Path.Combine(folder, "head-only.pth");
        using (var classifier = Classifier.Create("resnet50", NormMode.Normal)) classifier.SaveCheckpoint(classifierPath);
        using (var weight = zeros(20, 512, 1, 1)) TorchCheckpoint.Write(headOnlyPath, new Dictionary<string, Tensor> { ["classifier.weight"] = weight });
        try
        {
            using var deeplab = DeepLabV3Plus.Create("resnest50", NormMode.Fix, useGroupNorm: true);
            var before = deeplab.Backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            var wrong = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.LoadBackboneOf(deeplab.Backbone, classifierPath));
            Assert.Contains(classifierPath, wrong.Message);
            Assert.Contains("nothing was loaded", wrong.Message);
            foreach (var (key, value) in deeplab.Backbone.state_dict())
                Assert.True(value.equal(before[key]).all().item<bool>(), key);

            var empty = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.LoadBackboneOf(deeplab.Backbone, headOnlyPath));
            Assert.Contains(headOnlyPath, empty.Message);
            Assert.Contains("no backbone weights", empty.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnAffinityNetCheckpointIsNoBackboneToStartFrom()
    {
        var folder = Directory.CreateTempSubdirectory("ckpt").FullName;
        var path = Path.Combine(folder, "affinitynet.pth");
        using (var affinity = AffinityNet.Create("resnet18", pathIndex: null)) affinity.SaveCheckpoint(path);
        try
        {
            using var deeplab = DeepLabV3Plus.Create("resnet18", NormMode.Fix, useGroupNorm: true);
            var error = Assert.Throws<InvalidDataFileException>(() => CheckpointLoader.LoadBackboneOf(deeplab.Backbone, path));
            Assert.StartsWith(path, error.Message);
            Assert.Contains("AffinityNet checkpoint", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
