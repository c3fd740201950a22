using System.Text.Json.Nodes;
using PuzzleCam.Data.Transforms;
using PuzzleCam.IO;
using PuzzleCam.Models;
using PuzzleCam.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PuzzleCam.Core.Tests.Training;

/// <summary>The shared training loop on a tiny stage: a linear regression of 12 noisy samples, 3 steps an epoch.</summary>
public class TrainerTests
{
    private sealed record TinyOptions() : TrainingOptions(maxEpoch: 3, learningRate: 0.1, weightDecay: 1e-4, minImageSize: 1, maxImageSize: 1)
    {
        public override TrainingStage OpenStage(CancellationToken cancel) => new TinyStage(this);
    }

    private sealed class TinyNet : nn.Module<Tensor, Tensor>, IReferenceCheckpoint
    {
        private readonly TorchSharp.Modules.Linear fc = nn.Linear(4, 1);

        public TinyNet() : base(nameof(TinyNet)) => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.forward(x);

        public void SaveCheckpoint(string path) => TorchCheckpoint.Write(path, state_dict());

        public void LoadCheckpoint(string path)
        {
            using var _ = no_grad();
            var state = state_dict();
            foreach (var (key, value) in TorchCheckpoint.Read(path)) state[key].copy_(value);
        }
    }

    private sealed record Batch(Tensor X, Tensor Y);

    /// <summary>Scores the model by a fixed list, one score per evaluation, so that the kept evaluation is known.</summary>
    private sealed class ListedScores(params double[] scores) : ITrainingValidation<TinyNet>
    {
        private int _calls;

        public string ScoreName => "score";

        public string BestName => "best_score";

        public ValidationScore Score(TinyNet model, Device device, CancellationToken cancel) => new(scores[_calls++]);
    }

    private sealed class TinyStage(TinyOptions options, ITrainingValidation<TinyNet>? validation = null, Action<long>? onStep = null)
        : TrainingStage<TinyNet, (float[] X, float Y), Batch>
    {
        public override TrainingOptions Options => options;

        public override int Count => 12;

        public override IReadOnlyList<string> TermNames { get; } = ["loss"];

        public override ITrainingValidation<TinyNet>? Validation => validation;

        public override string Describe(string plan) => $"tiny regression, {plan}";

        public override TinyNet CreateModel() => new();

        public override IEnumerable<ParameterGroup> Groups(TinyNet model) => [new ParameterGroup(model.parameters().ToList(), options.LearningRate, options.WeightDecay)];

        public override (float[] X, float Y) Read(int index, RandomSource random)
        {
            var x = Enumerable.Range(0, 4).Select(i => (float)((index + i) % 5 - 2 + random.NextUniform(-0.1, 0.1))).ToArray();
            return (x, x[0] - 2 * x[3] + 0.5f);
        }

        public override Batch Collate(IReadOnlyList<(float[] X, float Y)> samples) =>
            new(tensor(samples.SelectMany(s => s.X).ToArray(), [samples.Count, 4]), tensor(samples.Select(s => s.Y).ToArray(), [samples.Count, 1]));

        public override double[] ForwardBackward(DataParallel<TinyNet> parallel, Batch batch, long iteration, long maxIteration)
        {
            onStep?.Invoke(iteration);
            return parallel.ForwardBackward(1, _ =>
            {
                var loss = nn.functional.mse_loss(parallel.Master.forward(batch.X), batch.Y);
                return (loss, [loss.item<float>()]);
            });
        }
    }

    private static TinyOptions Options(string tag) => new() { Tag = tag, ExperimentsDir = Directory.CreateTempSubdirectory("trainer").FullName, NumWorkers = 2, BatchSize = 4 };

    /// <summary>The files of the run's resume folder but its lock.</summary>
    private static string[] ResumeFiles(TinyOptions o) =>
        Directory.GetFiles(o.Layout.ResumeDir(o.Tag)).Select(f => Path.GetFileName(f)).Where(n => !n.StartsWith('.')).ToArray();

    private static string CheckpointPath(TinyOptions o, long iteration) => Path.Combine(o.Layout.ResumeDir(o.Tag), $"model-{iteration}.pth");

    private static JsonArray Entries(TinyOptions o, string section) => JsonNode.Parse(File.ReadAllText(o.Layout.DataLog(o.Tag)))![section]!.AsArray();

    [Fact]
    public void AResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        var straight = Options("straight");
        Assert.Equal(9, Trainer.Run(new TinyStage(straight)).Iterations);
        var resumed = Options("resumed");
        Assert.Equal(4, Trainer.Run(new TinyStage(resumed with { MaxIterations = 4 })).Iterations);
        Assert.Equal(9, Trainer.Run(new TinyStage(resumed)).Iterations);

        Weights.AssertSame(straight.Layout.Model(straight.Tag), resumed.Layout.Model(resumed.Tag));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), Entries(resumed, "train").Select(e => e!["iteration"]!.GetValue<long>()));
        Assert.Contains("resuming at iteration 4 of 9", File.ReadAllText(resumed.Layout.TextLog(resumed.Tag)));
    }

    [Fact]
    public void TheLearningRateFollowsThePolyScheduleOverAllEpochsEvenWhenStoppedEarly()
    {
        var o = Options("schedule") with { MaxIterations = 5 };
        Trainer.Run(new TinyStage(o));
        // The rate logged at iteration i is the one of step i - 1: lr (1 - (i - 1) / 9)^0.9, 9 steps in 3 epochs.
        var logged = Entries(o, "train").Select(e => e!["learning_rate"]!.GetValue<double>()).ToArray();
        var expected = Enumerable.Range(1, 5).Select(i => Math.Round(0.1 * Math.Pow(1 - (i - 1) / 9.0, 0.9), 6)).ToArray();
        Assert.Equal(expected, logged);
    }

    [Fact]
    public void CancellationSavesTheStateItStoppedAtAndTheRunResumesFromIt()
    {
        var straight = Options("straight");
        Trainer.Run(new TinyStage(straight));

        var o = Options("cancelled");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(new TinyStage(o, onStep: i => { if (i == 4) cancel.Cancel(); }), cancel: cancel.Token));
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(o.Layout.ResumeDir(o.Tag), "state.json")))!;
        Assert.Equal(5, state["Iteration"]!.GetValue<long>());
        Assert.Contains("[i] stopped at iteration 5; a rerun resumes here", File.ReadAllText(o.Layout.TextLog(o.Tag)));

        Assert.Equal(9, Trainer.Run(new TinyStage(o)).Iterations);
        Weights.AssertSame(straight.Layout.Model(straight.Tag), o.Layout.Model(o.Tag));
    }

    [Fact]
    public void TheModelOfTheBestEvaluationIsKept()
    {
        var o = Options("best");
        var outcome = Trainer.Run(new TinyStage(o, new ListedScores(10, 30, 20)));
        Assert.Equal(30, outcome.BestMiou);
        var scores = Entries(o, "validation").Select(e => (e!["iteration"]!.GetValue<long>(), e["score"]!.GetValue<double>(), e["best_score"]!.GetValue<double>()));
        Assert.Equal([(3L, 10.0, 10.0), (6L, 30.0, 30.0), (9L, 20.0, 30.0)], scores);

        var sixth = Options("sixth") with { MaxIterations = 6 };
        Trainer.Run(new TinyStage(sixth));
        Weights.AssertSame(CheckpointPath(sixth, 6), outcome.ModelPath);
    }

    [Fact]
    public void WithoutValidationTheLastWeightsAreKept()
    {
        var o = Options("last") with { MaxIterations = 7 };
        var outcome = Trainer.Run(new TinyStage(o));
        Assert.Equal(-1, outcome.BestMiou);
        Weights.AssertSame(CheckpointPath(o, 7), outcome.ModelPath);
        Assert.True(double.IsFinite(outcome.LastLoss));
    }

    [Fact]
    public void AFinishedRunKeepsItsModelAndNoResumeWeightsAndARerunReportsIt()
    {
        var o = Options("finished");
        var first = Trainer.Run(new TinyStage(o, new ListedScores(10, 30, 20)));
        Assert.Equal(["state.json"], ResumeFiles(o));
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(o.Layout.ResumeDir(o.Tag), "state.json")))!;
        Assert.True(state["Finished"]!.GetValue<bool>());

        var model = File.ReadAllBytes(first.ModelPath);
        var again = Trainer.Run(new TinyStage(o, new ListedScores()));
        Assert.Equal((9L, 30.0, first.LastLoss), (again.Iterations, again.BestMiou, again.LastLoss));
        Assert.True(double.IsFinite(again.LastLoss));
        Assert.Equal(model, File.ReadAllBytes(first.ModelPath));
        Assert.Contains("resuming at iteration 9 of 9", File.ReadAllText(o.Layout.TextLog(o.Tag)));
    }

    [Fact]
    public void ARunFinishedBeforeFinishedStatesWereRecordedLosesItsResumeWeightsAtItsNextRun()
    {
        // Such a run: a state at the last iteration, not marked finished, beside the weights and optimizer state.
        var o = Options("older") with { MaxIterations = 6 };
        Trainer.Run(new TinyStage(o));
        var dir = o.Layout.ResumeDir(o.Tag);
        File.Move(Path.Combine(dir, "model-6.pth"), Path.Combine(dir, "model-9.pth"));
        File.Move(Path.Combine(dir, "optimizer-6.pth"), Path.Combine(dir, "optimizer-9.pth"));
        var statePath = Path.Combine(dir, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        state["Iteration"] = 9;
        state.Remove("Finished");
        File.WriteAllText(statePath, state.ToJsonString());
        var last = Path.Combine(o.ExperimentsDir, "last.pth");
        File.Copy(Path.Combine(dir, "model-9.pth"), last);
        File.Delete(o.Layout.Model(o.Tag));

        Assert.Equal(9, Trainer.Run(new TinyStage(o with { MaxIterations = null })).Iterations);
        Assert.Equal(["state.json"], ResumeFiles(o));
        Assert.True(JsonNode.Parse(File.ReadAllText(statePath))!["Finished"]!.GetValue<bool>());
        Weights.AssertSame(last, o.Layout.Model(o.Tag), "differs: the kept model is not the last weights");
    }

    [Fact]
    public void AFinishedRunWhoseModelIsGoneSaysHowToTrainItAgain()
    {
        var o = Options("gone");
        var first = Trainer.Run(new TinyStage(o));
        File.Delete(first.ModelPath);
        var error = Assert.Throws<InvalidDataFileException>(() => Trainer.Run(new TinyStage(o)));
        Assert.StartsWith(first.ModelPath, error.Message);
        Assert.Contains($"delete {o.Layout.ResumeDir(o.Tag)} to train it again", error.Message);

        Directory.Delete(o.Layout.ResumeDir(o.Tag), recursive: true);
        Assert.Equal(9, Trainer.Run(new TinyStage(o)).Iterations);
        Assert.True(File.Exists(first.ModelPath));
    }

    [Fact]
    public void AFinishedRunKilledBeforeItsResumeWeightsWereRemovedLosesThemAtTheNextOpen()
    {
        var o = Options("leftover");
        Trainer.Run(new TinyStage(o));
        var dir = o.Layout.ResumeDir(o.Tag);
        File.WriteAllBytes(Path.Combine(dir, "model-9.pth"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dir, "optimizer-9.pth"), [1, 2, 3]);
        Assert.Equal(9, Trainer.Run(new TinyStage(o)).Iterations);
        Assert.False(File.Exists(Path.Combine(dir, "model-9.pth")));
        Assert.False(File.Exists(Path.Combine(dir, "optimizer-9.pth")));
    }
}
