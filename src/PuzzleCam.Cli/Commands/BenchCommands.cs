using System.CommandLine;
using PuzzleCam.Benchmarks;
using PuzzleCam.Cams;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Models;

namespace PuzzleCam.Cli.Commands;

/// <summary><c>puzzlecam bench ...</c>: a stage's unit of work timed after a warm-up; each prints <c>median: X s</c>.</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Time one unit of work of a stage after a warm-up (median, min and max).");
        bench.Add(TrainStep());
        bench.Add(Cam());
        bench.Add(Crf());
        return bench;
    }

    private static Command Crf()
    {
        var image = Flags.Create<string>("image", "a JPEG or PNG image (the CRF's pairwise features come from its pixels)", required: true);
        var labels = Flags.Int("labels", "number of labels", 21, 2, 256);
        var iterations = Flags.Int("iterations", "mean-field iterations (the reference: 10, or 1 for pseudo labels)", 10, 1, 1000);
        var kind = Flags.Choice("kind", "label: the CRF of affinity and pseudo labels; prob: the CRF of segmentation inference", "label", "label", "prob");
        var threads = Flags.Int("threads", "CRFs run at once, one image per thread (the median is the time for all of them)", 1, 1, 256);
        var warmup = Flags.Int("warmup", "untimed runs first", 1, 0, 1000);
        var repeats = Flags.Int("repeats", "timed runs", 5, 1, 100000);
        var command = new Command("crf", "One dense CRF (permutohedral lattice, mean field) on an image with seeded unaries.")
        {
            image, labels, iterations, kind, threads, warmup, repeats,
        };
        command.SetAction(r =>
        {
            r.InvocationConfiguration.Output.WriteLine(CrfBenchmark.Run(new CrfBenchmarkOptions
            {
                ImagePath = r.GetValue(image)!,
                Labels = r.GetValue(labels),
                Iterations = r.GetValue(iterations),
                Kind = CrfBenchmark.ParseKind(r.GetValue(kind)!),
                Threads = r.GetValue(threads),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
            }));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command Cam()
    {
        var architecture = Flags.Architecture("backbone", "resnet50");
        var image = Flags.Create<string>("image", "a JPEG or PNG image", required: true);
        var scales = StageFlags.Scales();
        var checkpoint = Flags.Create<string?>("checkpoint", "classifier weights (default: the backbone's own initial weights; the time does not depend on them)");
        var gpus = StageFlags.Gpus();
        var warmup = Flags.Int("warmup", "untimed runs first", 1, 0, 1000);
        var repeats = Flags.Int("repeats", "timed runs", 5, 1, 100000);
        var memory = Flags.Int("memory_every", "print resident memory every N timed runs (0: never)", 0, 0, 100000);
        var command = new Command("cam", "One multi-scale, flipped CAM of an image with all 20 classes present (stage 2's unit of work).")
        {
            architecture, image, scales, checkpoint, gpus, warmup, repeats, memory,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            output.WriteLine(CamBenchmark.RunMultiScale(new CamBenchmarkOptions
            {
                ImagePath = r.GetValue(image)!,
                Architecture = r.GetValue(architecture)!,
                Scales = CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                Checkpoint = r.GetValue(checkpoint),
                Gpus = r.GetValue(gpus),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
                ReportMemoryEvery = r.GetValue(memory),
            }, output.WriteLine));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command TrainStep()
    {
        var defaults = new TrainStepBenchmarkOptions();
        var architecture = Flags.Architecture("backbone", defaults.Architecture);
        var batchSize = Flags.Int("batch_size", "images per step", defaults.BatchSize, 1, 1024);
        var imageSize = Flags.Int("image_size", "square image side (a multiple of 32 for the puzzle tiles)", defaults.ImageSize, 32, 4096);
        var mode = StageFlags.Mode(NormMode.Fix, "BatchNorm mode");
        var puzzle = Flags.Switch("puzzle", "the Puzzle-CAM step (images and their 4 tiles); without it the baseline's step");
        var forward = Flags.Switch("forward_only", "time an eval-mode forward instead of a training step");
        var warmup = Flags.Int("warmup", "untimed steps first", defaults.Warmup, 0, 1000);
        var repeats = Flags.Int("repeats", "timed steps", defaults.Repeats, 1, 100000);
        var memory = Flags.Int("memory_every", "print resident memory every N timed steps (0: never)", 0, 0, 100000);
        var gpus = StageFlags.Gpus();
        var command = new Command("train-step", "One stage-1 training step (forward, backward, optimizer) or eval forward on random data.")
        {
            architecture, batchSize, imageSize, mode, puzzle, forward, warmup, repeats, memory, gpus,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            var options = new TrainStepBenchmarkOptions
            {
                Architecture = r.GetValue(architecture)!,
                BatchSize = r.GetValue(batchSize),
                ImageSize = r.GetValue(imageSize),
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                Puzzle = r.GetValue(puzzle),
                ForwardOnly = r.GetValue(forward),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
                ReportMemoryEvery = r.GetValue(memory),
                Gpus = r.GetValue(gpus),
            };
            var what = options.ForwardOnly ? "eval forward" : options.Puzzle ? "puzzle training step" : "baseline training step";
            output.WriteLine($"{what}: {options.Architecture}, {options.BatchSize}x3x{options.ImageSize}x{options.ImageSize}, mode {r.GetValue(mode)}");
            output.WriteLine(TrainStepBenchmark.Run(options, output.WriteLine));
            return CliApp.Ok;
        });
        return command;
    }
}
