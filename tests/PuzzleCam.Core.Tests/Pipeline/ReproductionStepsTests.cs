using PuzzleCam.Data.Synthetic;
using PuzzleCam.Experiments;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Core.Tests.Pipeline;

public class ReproductionStepsTests
{
    private static readonly PipelineStages[] Switches = Enum.GetValues<PipelineStages>().Where(s => s != 0 && (s & (s - 1)) == 0).ToArray();

    [Fact]
    public void StepsRunInThePapersOrder()
    {
        Assert.Equal(
            new[] { "data", "classification", "cams", "evaluate_cams", "classification", "cams", "evaluate_cams",
                "affinity_labels", "affinitynet", "rw", "pseudo_labels", "val_cams", "segmentation", "inference_segmentation" },
            Reproduction.Steps.Select(s => s.Name));
        // Stages 1 to 8 come in order; stage 2 comes back on the validation split to compare with DeepLabv3+.
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, Reproduction.Steps.Select(s => s.Number).OfType<int>().Distinct());
        Assert.Equal(2, Reproduction.Steps.Single(s => s.Stage == PipelineStages.ValCams).Number);
        // The switches, first met in the order the steps run, are the enum's: its order is the pipeline's.
        Assert.Equal(Switches, Reproduction.Steps.Select(s => s.Stage).Distinct());
    }

    [Fact]
    public void EachSwitchHasOneNameAndTheClassifierStepsRunForBothClassifiers()
    {
        foreach (var step in Reproduction.Steps)
            Assert.Contains(step.Stage, Switches);
        Assert.All(Reproduction.Steps.GroupBy(s => s.Stage), g => Assert.Single(g.Select(s => s.Name).Distinct()));
        Assert.All(Reproduction.Steps.GroupBy(s => s.Name), g => Assert.Single(g.Select(s => s.Stage).Distinct()));
        var perClassifier = Reproduction.ClassifierSteps("any", _ => null!, _ => null!).Select(s => (s.Stage, s.Name, s.Number)).ToArray();
        Assert.Equal(new[] { PipelineStages.Classification, PipelineStages.Cams, PipelineStages.EvaluateCams }, perClassifier.Select(s => s.Stage));
        Assert.Equal(perClassifier.Concat(perClassifier), Reproduction.Steps.Where(s => perClassifier.Any(c => c.Stage == s.Stage)).Select(s => (s.Stage, s.Name, s.Number)));
    }

    [Fact]
    public void TheDefaultRunsEveryStepAndThePseudoLabelPipelineStopsAfterStage6()
    {
        Assert.Equal(PipelineStages.All, ReproduceOptions.ForSynthetic().Stages);
        Assert.Equal(PipelineStages.All, Reproduction.Steps.Aggregate(PipelineStages.None, (all, s) => all | s.Stage));
        var upToPseudoLabels = Reproduction.Steps.TakeWhile(s => s.Stage != PipelineStages.ValCams);
        Assert.Equal(PipelineStages.PseudoLabelPipeline, upToPseudoLabels.Aggregate(PipelineStages.None, (all, s) => all | s.Stage));
    }

    [Fact]
    public void SkippingASwitchSkipsOnlyItsSteps()
    {
        var run = new PipelineRun(ReproduceOptions.ForSynthetic(), new RecordingReporter(), CancellationToken.None);
        Assert.All(Reproduction.Steps, s => Assert.True(run.Runs(s.Stage)));
        foreach (var skipped in Switches)
        {
            var without = new PipelineRun(ReproduceOptions.ForSynthetic() with { Stages = PipelineStages.All & ~skipped }, new RecordingReporter(), CancellationToken.None);
            Assert.Equal(Reproduction.Steps.Where(s => s.Stage != skipped), Reproduction.Steps.Where(s => without.Runs(s.Stage)));
        }
    }

    [Fact]
    public void TheDriverRunsTheStepsOfItsSwitchesInOrder()
    {
        var work = Directory.CreateTempSubdirectory("reproduction-steps").FullName;
        var job = ReproduceOptions.ForSynthetic() with
        {
            DataDir = Path.Combine(work, "synthetic"),
            Synthetic = new SyntheticOptions { Train = 8, Val = 4, Size = SyntheticOptions.MinSize, Seed = 0 },
            Classifier = ReproduceOptions.SyntheticClassifier with { ExperimentsDir = Path.Combine(work, "experiments") },
        };
        var data = new RecordingReporter();
        var result = Reproduction.Run(job with { Stages = PipelineStages.Data }, data);
        Assert.Equal(["data"], data.Stages);
        Assert.NotNull(result.Dataset);
        Assert.Equal(8, result.Train!.Kept.Count);
        Assert.Null(result.Baseline);
        Assert.Null(result.Refinement);
        Assert.False(File.Exists(new ExperimentLayout(job.Classifier.ExperimentsDir).ReproduceReport));

        // Without stages 1 and 2 the first CAM score runs next, and finds no CAMs to score.
        var scoreOnly = new RecordingReporter();
        Assert.Throws<DirectoryNotFoundException>(() => Reproduction.Run(job with { Stages = PipelineStages.Data | PipelineStages.EvaluateCams }, scoreOnly));
        Assert.Equal(["data", "evaluate the baseline CAMs"], scoreOnly.Stages);
    }

    private sealed class RecordingReporter : IPipelineReporter
    {
        public List<string> Stages { get; } = [];

        public void Stage(string name) => Stages.Add(name);

        public void Info(string message)
        {
        }

        public IProgress<StageProgress> Progress(string label) => new Progress<StageProgress>();
    }
}
