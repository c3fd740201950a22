using PuzzleCam.Pipeline;

namespace PuzzleCam.Core.Tests.Pipeline;

public class PipelinePlanTests
{
    [Fact]
    public void EachStageReadsWhatTheOneBeforeWrites()
    {
        var job = ReproduceOptions.ForSynthetic() with { DataDir = "/nowhere/synthetic", TagPrefix = "synthetic-resnet18-seed0" };
        var plan = PipelinePlan.For(job);
        Assert.Equal("synthetic-resnet18-seed0-baseline", plan.Baseline.Tag);
        Assert.Equal("synthetic-resnet18-seed0-puzzle", plan.Puzzle.Tag);
        Assert.False(plan.Baseline.Puzzle);
        Assert.True(plan.Puzzle.Puzzle);
        Assert.Equal((plan.Baseline.Tag, job.EvalDomain), (plan.BaselineCams.Tag, plan.BaselineCams.Domain));
        Assert.Equal((plan.Puzzle.Tag, job.CamDomain), (plan.Cams.Tag, plan.Cams.Domain));
        Assert.Equal((plan.Puzzle.Tag, job.ValDomain), (plan.ValCams.Tag, plan.ValCams.Domain));
        Assert.Equal(plan.Cams.ExperimentName, plan.AffinityLabels.CamName);
        Assert.Equal(plan.AffinityLabels.OutputName, plan.AffinityNet.LabelName);
        Assert.Equal((plan.AffinityNet.Tag, plan.Cams.ExperimentName), (plan.RandomWalk.ModelName, plan.RandomWalk.CamDir));
        Assert.Equal(plan.RandomWalk.ExperimentName, plan.PseudoLabels.RandomWalkName);
        Assert.Equal(plan.PseudoLabels.OutputName, plan.Segmentation.LabelName);
        Assert.Equal((plan.Segmentation.Tag, job.ValDomain, 0), (plan.Segment.Tag, plan.Segment.Domain, plan.Segment.CrfIterations));
        Assert.Equal(job.SegmentationCrfIterations, plan.SegmentWithCrf.CrfIterations);
        Assert.All(new[] { plan.Cams.Scales, plan.BaselineCams.Scales, plan.ValCams.Scales }, s => Assert.Equal(job.Scales, s));
        // Without a dataset there is nothing to cut the batches to: the preset's stand.
        Assert.Equal(job.AffinityNet.BatchSize, plan.AffinityNet.BatchSize);
    }
}
