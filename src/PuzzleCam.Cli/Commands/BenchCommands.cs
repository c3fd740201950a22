using System.CommandLine;
using PuzzleCam.Affinity;
using PuzzleCam.Benchmarks;
using PuzzleCam.Cams;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Models;
using PuzzleCam.RandomWalk;

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
        bench.Add(AffinityLabels());
        bench.Add(AffinityStep());
        bench.Add(RandomWalk());
        bench.Add(SegmentationStep());
        bench.Add(SegmentationInference());
        return bench;
    }

    private static Command SegmentationStep()
    {
        var defaults = new SegmentationStepBenchmarkOptions();
        var backbone = Flags.Choice("backbone", "backbone", defaults.Backbone, [.. Backbones.Architectures.Select(a => a.Name)]);
        var batchSize = Flags.Int("batch_size", "images per step", defaults.BatchSize, 1, 1024);
        var imageSize = Flags.Int("image_size", "square crop side", defaults.ImageSize, 16, 4096);
        var mode = StageFlags.Mode(defaults.Mode, "backbone BatchNorm mode");
        var useGn = Flags.Create("use_gn", "GroupNorm in the ASPP and decoder (false: BatchNorm)", () => defaults.UseGroupNorm);
        var warmup = BenchFlags.Warmup("steps", defaults.Warmup);
        var repeats = BenchFlags.Repeats("steps", defaults.Repeats);
        var memory = BenchFlags.MemoryEvery("steps");
        var gpus = StageFlags.Gpus();
        var command = new Command("seg-step", "One stage-7 DeepLabv3+ training step (forward, cross-entropy, backward, SGD) on random data.")
        {
            backbone, batchSize, imageSize, mode, useGn, warmup, repeats, memory, gpus,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            var options = new SegmentationStepBenchmarkOptions
            {
                Backbone = r.GetValue(backbone)!,
                BatchSize = r.GetValue(batchSize),
                ImageSize = r.GetValue(imageSize),
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                UseGroupNorm = r.GetValue(useGn),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
                ReportMemoryEvery = r.GetValue(memory),
                Gpus = r.GetValue(gpus),
            };
            output.WriteLine($"DeepLabv3+ training step: {options.Backbone}, {options.BatchSize}x3x{options.ImageSize}x{options.ImageSize}, mode {r.GetValue(mode)}, {(options.UseGroupNorm ? "GN" : "BN")} head");
            output.WriteLine(SegmentationBenchmark.RunTrainingStep(options, output.WriteLine));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command SegmentationInference()
    {
        var backbone = Flags.Choice("backbone", "backbone", "resnet50", [.. Backbones.Architectures.Select(a => a.Name)]);
        var image = Flags.Create<string>("image", "a JPEG or PNG image", required: true);
        var mode = StageFlags.Mode(NormMode.Fix, "backbone BatchNorm mode");
        var useGn = Flags.Create("use_gn", "GroupNorm in the ASPP and decoder (false: BatchNorm)", () => true);
        var scales = StageFlags.Scales();
        var iteration = Flags.Int("iteration", "dense CRF iterations (0: none)", 10, 0, 1000);
        var checkpoint = Flags.Create<string?>("checkpoint", "network weights (default: the backbone's own initial weights; the time does not depend on them)");
        var gpus = StageFlags.Gpus();
        var warmup = BenchFlags.Warmup("runs", 1);
        var repeats = BenchFlags.Repeats("runs", 5);
        var memory = BenchFlags.MemoryEvery("runs");
        var command = new Command("seg-infer", "Stage 8 on one image: every scale and its flip through DeepLabv3+, softmax, dense CRF (no decoding or writing).")
        {
            backbone, image, mode, useGn, scales, iteration, checkpoint, gpus, warmup, repeats, memory,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            output.WriteLine(SegmentationBenchmark.RunInference(new SegmentationInferenceBenchmarkOptions
            {
                ImagePath = r.GetValue(image)!,
                Backbone = r.GetValue(backbone)!,
                Mode = Normalization.ParseMode(r.GetValue(mode)!),
                UseGroupNorm = r.GetValue(useGn),
                Scales = CamInferenceOptions.ParseScales(r.GetValue(scales)!),
                Iteration = r.GetValue(iteration),
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

    private static Command Crf()
    {
        var image = Flags.Create<string>("image", "a JPEG or PNG image (the CRF's pairwise features come from its pixels)", required: true);
        var labels = Flags.Int("labels", "number of labels", 21, 2, 256);
        var iterations = Flags.Int("iterations", "mean-field iterations (the reference: 10, or 1 for pseudo labels)", 10, 1, 1000);
        var kind = Flags.Choice("kind", "label: the CRF of affinity and pseudo labels; prob: the CRF of segmentation inference", "label", "label", "prob");
        var threads = Flags.Int("threads", "CRFs run at once, one image per thread (the median is the time for all of them)", 1, 1, 256);
        var warmup = BenchFlags.Warmup("runs", 1);
        var repeats = BenchFlags.Repeats("runs", 5);
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
        var warmup = BenchFlags.Warmup("runs", 1);
        var repeats = BenchFlags.Repeats("runs", 5);
        var memory = BenchFlags.MemoryEvery("runs");
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

    private static Command AffinityLabels()
    {
        var defaults = new AffinityLabelBenchmarkOptions();
        var image = Flags.Create<string?>("image", "a JPEG or PNG image (default: a synthetic image of --width x --height)");
        var width = Flags.Int("width", "synthetic image width", defaults.Width, 1, 8192);
        var height = Flags.Int("height", "synthetic image height", defaults.Height, 1, 8192);
        var classes = Flags.Int("classes", "CAM planes (20: every VOC class present)", defaults.Classes, 1, 254);
        var threads = Flags.Int("threads", "1: the two CRFs in turn, sharing lattices; 2: side by side", defaults.Threads, 1, 2);
        var warmup = BenchFlags.Warmup("runs", defaults.Warmup);
        var repeats = BenchFlags.Repeats("runs", defaults.Repeats);
        var command = new Command("affinity-labels", "Stage 3 for one image: fg and bg threshold maps and their label CRFs (t=10) on synthetic CAMs.")
        {
            image, width, height, classes, threads, warmup, repeats,
        };
        command.SetAction(r =>
        {
            var options = new AffinityLabelBenchmarkOptions
            {
                ImagePath = r.GetValue(image),
                Width = r.GetValue(width),
                Height = r.GetValue(height),
                Classes = r.GetValue(classes),
                Threads = r.GetValue(threads),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
            };
            r.InvocationConfiguration.Output.WriteLine(AffinityBenchmarks.Describe(options, AffinityBenchmarks.Labels(options)));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command AffinityStep()
    {
        var defaults = new AffinityStepBenchmarkOptions();
        var architecture = Flags.Architecture("backbone", defaults.Architecture);
        var batchSize = Flags.Int("batch_size", "images per step", defaults.BatchSize, 1, 1024);
        var imageSize = Flags.Int("image_size", "square crop side (a multiple of 16; the reference: 512)", defaults.ImageSize, 128, 4096);
        var warmup = BenchFlags.Warmup("steps", defaults.Warmup);
        var repeats = BenchFlags.Repeats("steps", defaults.Repeats);
        var memory = BenchFlags.MemoryEvery("steps");
        var command = new Command("affinity-step", "One AffinityNet training step (frozen backbone, edge layers trained) on random data.")
        {
            architecture, batchSize, imageSize, warmup, repeats, memory,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            var options = new AffinityStepBenchmarkOptions
            {
                Architecture = r.GetValue(architecture)!,
                BatchSize = r.GetValue(batchSize),
                ImageSize = r.GetValue(imageSize),
                Warmup = r.GetValue(warmup),
                Repeats = r.GetValue(repeats),
                ReportMemoryEvery = r.GetValue(memory),
            };
            output.WriteLine($"affinity training step: {options.Architecture}, {options.BatchSize}x3x{options.ImageSize}x{options.ImageSize}");
            output.WriteLine(AffinityBenchmarks.TrainingStep(options, output.WriteLine));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command RandomWalk()
    {
        var defaults = new RandomWalkBenchmarkOptions();
        var width = Flags.Int("width", "image width (the walk runs at a quarter of it)", defaults.Width, 1, 8192);
        var height = Flags.Int("height", "image height", defaults.Height, 1, 8192);
        var classes = Flags.Int("classes", "classes walked", defaults.Classes, 1, 254);
        var mode = Flags.Choice("propagation", "sparse: stencil steps; dense: the reference's (hw)x(hw) matrix powers", "sparse", "sparse", "dense");
        var beta = Flags.Int("beta", "affinity power", defaults.Walk.Beta, 1, 1000);
        var expTimes = Flags.Int("exp_times", "the walk takes 2^exp_times steps", defaults.Walk.ExpTimes, 0, RandomWalkOptions.MaxExpTimes);
        var architecture = Flags.Create<string?>("backbone", "also time the edge map (AffinityNet forward) with this backbone");
        var warmup = BenchFlags.Warmup("runs", defaults.Warmup);
        var repeats = BenchFlags.Repeats("runs", defaults.Repeats);
        var memory = BenchFlags.MemoryEvery("walks");
        var command = new Command("rw", "Stage 5 for one image: the random walk of synthetic CAMs over a synthetic edge map, and its upsampling.")
        {
            width, height, classes, mode, beta, expTimes, architecture, warmup, repeats, memory,
        };
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            output.WriteLine(RandomWalkBenchmark.Run(new RandomWalkBenchmarkOptions
            {
                Width = r.GetValue(width),
                Height = r.GetValue(height),
                Classes = r.GetValue(classes),
                Walk = new RandomWalkOptions
                {
                    Mode = r.GetValue(mode) == "dense" ? RandomWalkMode.Dense : RandomWalkMode.Sparse,
                    Beta = r.GetValue(beta),
                    ExpTimes = r.GetValue(expTimes),
                },
                Architecture = r.GetValue(architecture),
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
        var warmup = BenchFlags.Warmup("steps", defaults.Warmup);
        var repeats = BenchFlags.Repeats("steps", defaults.Repeats);
        var memory = BenchFlags.MemoryEvery("steps");
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

/// <summary>The flags every benchmark shares, declared once: what it repeats is a step, a run or a walk.</summary>
internal static class BenchFlags
{
    public static Option<int> Warmup(string what, int defaultValue) => Flags.Int("warmup", $"untimed {what} first", defaultValue, 0, 1000);

    public static Option<int> Repeats(string what, int defaultValue) => Flags.Int("repeats", $"timed {what}", defaultValue, 1, 100000);

    public static Option<int> MemoryEvery(string what) => Flags.Int("memory_every", $"print resident memory every N timed {what} (0: never)", 0, 0, 100000);
}
