using PuzzleCam.Experiments;
using PuzzleCam.Cams;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;
using PuzzleCam.Models;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Cams;

/// <summary>A four-image synthetic VOC tree and a resnet18 classifier checkpoint (ImageNet backbone, random head).</summary>
public sealed class TinyCamSetup : IDisposable
{
    public TinyCamSetup()
    {
        Root = Directory.CreateTempSubdirectory("caminference").FullName;
        DataDir = Path.Combine(Root, "voc");
        SyntheticVocDataset.Generate(DataDir, new SyntheticOptions { Train = 4, Val = 1, Size = 64, Seed = 3 });
        Checkpoint = Path.Combine(Root, "tiny.pth");
        manual_seed(5);
        using var model = Classifier.Create("resnet18", NormMode.Fix);
        model.SaveCheckpoint(Checkpoint);
    }

    public string Root { get; }
    public string DataDir { get; }
    public string Checkpoint { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public sealed class CamInferenceRunnerTests(TinyCamSetup setup) : IClassFixture<TinyCamSetup>, IDisposable
{
    private readonly string experiments = Directory.CreateTempSubdirectory("experiments").FullName;

    public void Dispose() => Directory.Delete(experiments, recursive: true);

    private CamInferenceOptions Options => new()
    {
        Tag = "tiny",
        Architecture = "resnet18",
        Mode = NormMode.Fix,
        Domain = "train_aug",
        Scales = [0.5, 1.0],
        DataDir = setup.DataDir,
        ExperimentsDir = experiments,
        Checkpoint = setup.Checkpoint,
        Gpus = "cpu",
    };

    [Fact]
    public void WritesOneReadableCamFilePerImageAsTheImageComputationDoes()
    {
        var reports = new List<StageProgress>();
        var result = CamInferenceRunner.Run(Options, new SynchronousProgress(reports));
        Assert.Equal((4, 4, 0), (result.Images, result.Written, result.Skipped));
        Assert.Equal(Path.Combine(experiments, "predictions", "tiny@train@scale=0.5,1.0"), result.PredictionDir);
        Assert.Equal([new(0, 4), new(1, 4), new(2, 4), new(3, 4), new(4, 4)], reports);

        var dataset = VocDataset.Open(setup.DataDir, ImageListSource.FromDomain("train_aug"));
        foreach (var id in dataset.Ids)
        {
            var file = CamFile.Read(CamInferenceRunner.OutputPath(result.PredictionDir, id));
            var image = dataset.ReadImage(id);
            var tags = dataset.ReadTags(id);
            long[] keys = [0, .. Enumerable.Range(0, tags.Length).Where(c => tags[c] > 0).Select(c => (long)c + 1)];
            Assert.Equal(keys, file.Keys);
            Assert.Equal((keys.Length - 1, (image.Height + 3) / 4, (image.Width + 3) / 4), (file.Cam!.Classes, file.Cam.Height, file.Cam.Width));
            Assert.Equal((keys.Length - 1, image.Height, image.Width), (file.HighResCam!.Classes, file.HighResCam.Height, file.HighResCam.Width));
            AssertMaxNormalised(file.Cam);
            AssertMaxNormalised(file.HighResCam);
        }

        var record = OutputProvenance.Read(result.PredictionDir)!;
        Assert.Equal(CamInferenceRunner.StageName, record.Stage);
        Assert.Equal("0.5,1.0", record.Settings["scales"]);
        Assert.Equal("train_aug", record.LastRun["domain"]);

        using var model = Classifier.Create("resnet18", NormMode.Fix);
        model.LoadCheckpoint(setup.Checkpoint);
        var first = dataset.Ids[0];
        var direct = new MultiScaleCam(model, CPU, [0.5, 1.0]).Compute(dataset.ReadImage(first), dataset.ReadTags(first));
        var written = CamFile.Read(CamInferenceRunner.OutputPath(result.PredictionDir, first));
        Assert.Equal(direct.HighResCam!.Values, written.HighResCam!.Values);
        Assert.Equal(direct.Cam!.Values, written.Cam!.Values);
    }

    [Fact]
    public void ResumesBySkippingFinishedImages()
    {
        var first = CamInferenceRunner.Run(Options);
        var files = Directory.GetFiles(first.PredictionDir, "*.npz").Order().ToArray();
        var stamps = files.Select(File.GetLastWriteTimeUtc).ToArray();

        var again = CamInferenceRunner.Run(Options);
        Assert.Equal((0, 4), (again.Written, again.Skipped));
        Assert.Equal(stamps, files.Select(File.GetLastWriteTimeUtc));

        File.Delete(files[2]);
        var resumed = CamInferenceRunner.Run(Options);
        Assert.Equal((1, 3), (resumed.Written, resumed.Skipped));
        Assert.True(File.Exists(files[2]));
        Assert.Empty(Directory.GetFiles(first.PredictionDir, "*.tmp"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void RefusesToAddCamsMadeWithOtherOptions()
    {
        var folder = CamInferenceRunner.Run(Options).PredictionDir;

        var mode = Assert.Throws<OutputFolderConflictException>(() => CamInferenceRunner.Run(Options with { Mode = NormMode.Normal }));
        Assert.StartsWith(folder, mode.Message);
        Assert.Contains("mode: fix there, normal now", mode.Message);

        // Refused before the mismatched checkpoint is even loaded.
        var architecture = Assert.Throws<OutputFolderConflictException>(() => CamInferenceRunner.Run(Options with { Architecture = "resnet50" }));
        Assert.Contains("architecture: resnet18 there, resnet50 now", architecture.Message);

        var retrained = Path.Combine(experiments, "retrained.pth");
        using (var model = Classifier.Create("resnet18", NormMode.Fix))
        {
            model.LoadCheckpoint(setup.Checkpoint);
            using (no_grad()) model.state_dict()["classifier.weight"].mul_(2);
            model.SaveCheckpoint(retrained);
        }
        var weights = Assert.Throws<OutputFolderConflictException>(() => CamInferenceRunner.Run(Options with { Checkpoint = retrained }));
        Assert.Contains("checkpoint:", weights.Message);

        // The same bytes under another name and time are the same weights.
        var copy = Path.Combine(experiments, "copy.pth");
        File.Copy(setup.Checkpoint, copy);
        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(4, CamInferenceRunner.Run(Options with { Checkpoint = copy }).Skipped);

        // Another split into the same folder is fine: an id's CAM does not depend on the list that named it.
        var train = CamInferenceRunner.Run(Options with { Domain = "train" });
        Assert.Equal((folder, 1, 0, 1), (train.PredictionDir, train.Images, train.Written, train.Skipped));
    }

    [Fact]
    public void RefusesAFolderOfUnknownOrigin()
    {
        var folder = Options.PredictionDir;
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train_000000.npz"), [0]);
        var e = Assert.Throws<OutputFolderConflictException>(() => CamInferenceRunner.Run(Options));
        Assert.Contains("no options.json", e.Message);
    }

    [Fact]
    public void AMissingCheckpointIsNamedWithItsFlag()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CamInferenceRunner.Run(Options with { Checkpoint = null }));
        Assert.StartsWith(Path.Combine(experiments, "models", "tiny.pth"), e.Message);
        Assert.Contains("--tag tiny not found (train it with train-classification --tag tiny", e.Message);

        var given = Path.Combine(experiments, "nowhere.pth");
        e = Assert.Throws<FileNotFoundException>(() => CamInferenceRunner.Run(Options with { Checkpoint = given }));
        Assert.Equal($"{given}: classifier checkpoint not found (--checkpoint)", e.Message);
    }

    private static void AssertMaxNormalised(ClassMaps maps)
    {
        int plane = maps.Height * maps.Width;
        for (int k = 0; k < maps.Classes; k++)
        {
            var values = maps.Values.AsSpan(k * plane, plane);
            float max = 0;
            foreach (var v in values)
            {
                Assert.True(v >= 0 && v < 1, $"value {v} outside [0, 1)");
                max = Math.Max(max, v);
            }
            // A class that never fires stays all zero; otherwise its peak is max / (max + 1e-5).
            Assert.True(max == 0 || max > 0.99f, $"plane {k} peaks at {max}");
        }
    }

    private sealed class SynchronousProgress(List<StageProgress> reports) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => reports.Add(value);
    }
}
