using PuzzleCam.Affinity;
using PuzzleCam.Benchmarks;
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
        bench.Add(AffinityLabels());
        bench.Add(AffinityStep());
        bench.Add(RandomWalk());
        bench.Add(SegmentationStep());
        bench.Add(SegmentationInference());
        return bench;
    }

    private static Command TrainStep()
    {
        var flags = new OptionsBinder<TrainStepBenchmarkOptions>(new TrainStepBenchmarkOptions { Puzzle = false });
        flags.Bind(Flags.Architecture("backbone", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        flags.Int("batch_size", "images per step", o => o.BatchSize, (o, v) => o with { BatchSize = v }, 1, 1024);
        flags.Int("image_size", "square image side (a multiple of 32 for the puzzle tiles)", o => o.ImageSize, (o, v) => o with { ImageSize = v }, 32, 4096);
        StageFlags.Mode(flags, "BatchNorm mode", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Switch("puzzle", "the Puzzle-CAM step (images and their 4 tiles); without it the baseline's step", o => o.Puzzle, (o, v) => o with { Puzzle = v });
        flags.Switch("forward_only", "time an eval-mode forward instead of a training step", o => o.ForwardOnly, (o, v) => o with { ForwardOnly = v });
        flags.Bind(StageFlags.Gpus(), (o, v) => o with { Gpus = v });
        return BenchFlags.Command(flags, "steps", "train-step", "One stage-1 training step (forward, backward, optimizer) or eval forward on random data.",
            o => $"{(o.ForwardOnly ? "eval forward" : o.Puzzle ? "puzzle training step" : "baseline training step")}: {o.Architecture}, {o.BatchSize}x3x{o.ImageSize}x{o.ImageSize}, mode {Normalization.ModeName(o.Mode)}",
            (o, report) => TrainStepBenchmark.Run(o, report));
    }

    private static Command Cam()
    {
        var flags = new OptionsBinder<CamBenchmarkOptions>(new CamBenchmarkOptions { ImagePath = "" });
        flags.Bind(Flags.Architecture("backbone", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        flags.Required("image", "a JPEG or PNG image", (o, v) => o with { ImagePath = v });
        StageFlags.Scales(flags, o => o.Scales, (o, v) => o with { Scales = v });
        flags.Optional("checkpoint", "classifier weights (default: the backbone's own initial weights; the time does not depend on them)", (o, v) => o with { Checkpoint = v });
        flags.Bind(StageFlags.Gpus(), (o, v) => o with { Gpus = v });
        return BenchFlags.Command(flags, "runs", "cam", "One multi-scale, flipped CAM of an image with all 20 classes present (stage 2's unit of work).",
            null, (o, report) => CamBenchmark.RunMultiScale(o, report));
    }

    private static Command Crf()
    {
        var flags = new OptionsBinder<CrfBenchmarkOptions>(new CrfBenchmarkOptions { ImagePath = "" });
        flags.Required("image", "a JPEG or PNG image (the CRF's pairwise features come from its pixels)", (o, v) => o with { ImagePath = v });
        flags.Int("labels", "number of labels", o => o.Labels, (o, v) => o with { Labels = v }, 2, 256);
        flags.Int("iterations", "mean-field iterations (the reference: 10, or 1 for pseudo labels)", o => o.Iterations, (o, v) => o with { Iterations = v }, 1, 1000);
        flags.Words("kind", "label: the CRF of affinity and pseudo labels; prob: the CRF of segmentation inference", o => o.Kind, (o, v) => o with { Kind = v },
            [("label", CrfKind.Label), ("prob", CrfKind.Probability)]);
        flags.Int("threads", "CRFs run at once, one image per thread (the median is the time for all of them)", o => o.Threads, (o, v) => o with { Threads = v }, 1, 256);
        return BenchFlags.Command(flags, "runs", "crf", "One dense CRF (permutohedral lattice, mean field) on an image with seeded unaries.",
            null, (o, _) => CrfBenchmark.Run(o), memory: false, torch: false);
    }

    private static Command AffinityLabels()
    {
        var flags = new OptionsBinder<AffinityLabelBenchmarkOptions>(new AffinityLabelBenchmarkOptions());
        flags.Optional("image", "a JPEG or PNG image (default: a synthetic image of --width x --height)", (o, v) => o with { ImagePath = v });
        flags.Int("width", "synthetic image width", o => o.Width, (o, v) => o with { Width = v }, 1, 8192);
        flags.Int("height", "synthetic image height", o => o.Height, (o, v) => o with { Height = v }, 1, 8192);
        flags.Int("classes", "CAM planes (20: every VOC class present)", o => o.Classes, (o, v) => o with { Classes = v }, 1, 254);
        flags.Int("threads", "1: the two CRFs in turn, sharing lattices; 2: side by side", o => o.Threads, (o, v) => o with { Threads = v }, 1, 2);
        return BenchFlags.Command(flags, "runs", "affinity-labels", "Stage 3 for one image: fg and bg threshold maps and their label CRFs (t=10) on synthetic CAMs.",
            null, (o, _) => AffinityBenchmarks.Describe(o, AffinityBenchmarks.Labels(o)), memory: false, torch: false);
    }

    private static Command AffinityStep()
    {
        var flags = new OptionsBinder<AffinityStepBenchmarkOptions>(new AffinityStepBenchmarkOptions());
        flags.Bind(Flags.Architecture("backbone", flags.Defaults.Architecture), (o, v) => o with { Architecture = v });
        flags.Int("batch_size", "images per step", o => o.BatchSize, (o, v) => o with { BatchSize = v }, 1, 1024);
        flags.Int("image_size", "square crop side (a multiple of 16; the reference: 512)", o => o.ImageSize, (o, v) => o with { ImageSize = v }, 128, 4096);
        return BenchFlags.Command(flags, "steps", "affinity-step", "One AffinityNet training step (frozen backbone, edge layers trained) on random data.",
            o => $"affinity training step: {o.Architecture}, {o.BatchSize}x3x{o.ImageSize}x{o.ImageSize}", (o, report) => AffinityBenchmarks.TrainingStep(o, report));
    }

    private static Command RandomWalk()
    {
        var flags = new OptionsBinder<RandomWalkBenchmarkOptions>(new RandomWalkBenchmarkOptions());
        flags.Int("width", "image width (the walk runs at a quarter of it)", o => o.Width, (o, v) => o with { Width = v }, 1, 8192);
        flags.Int("height", "image height", o => o.Height, (o, v) => o with { Height = v }, 1, 8192);
        flags.Int("classes", "classes walked", o => o.Classes, (o, v) => o with { Classes = v }, 1, 254);
        WalkFlags.AddTo(flags, o => o.Walk, (o, v) => o with { Walk = v });
        flags.Optional("backbone", "also time the edge map (AffinityNet forward) with this backbone", (o, v) => o with { Architecture = v });
        return BenchFlags.Command(flags, "walks", "rw", "Stage 5 for one image: the random walk of synthetic CAMs over a synthetic edge map, and its upsampling.",
            null, (o, report) => RandomWalkBenchmark.Run(o, report));
    }

    private static Command SegmentationStep()
    {
        var flags = new OptionsBinder<SegmentationStepBenchmarkOptions>(new SegmentationStepBenchmarkOptions());
        flags.Bind(Flags.Backbone("backbone", flags.Defaults.Backbone), (o, v) => o with { Backbone = v });
        flags.Int("batch_size", "images per step", o => o.BatchSize, (o, v) => o with { BatchSize = v }, 1, 1024);
        flags.Int("image_size", "square crop side", o => o.ImageSize, (o, v) => o with { ImageSize = v }, 16, 4096);
        StageFlags.Mode(flags, "backbone BatchNorm mode", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Switch("use_gn", "GroupNorm in the ASPP and decoder (false: BatchNorm)", o => o.UseGroupNorm, (o, v) => o with { UseGroupNorm = v });
        flags.Bind(StageFlags.Gpus(), (o, v) => o with { Gpus = v });
        return BenchFlags.Command(flags, "steps", "seg-step", "One stage-7 DeepLabv3+ training step (forward, cross-entropy, backward, SGD) on random data.",
            o => $"DeepLabv3+ training step: {o.Backbone}, {o.BatchSize}x3x{o.ImageSize}x{o.ImageSize}, mode {Normalization.ModeName(o.Mode)}, {(o.UseGroupNorm ? "GN" : "BN")} head",
            (o, report) => SegmentationBenchmark.RunTrainingStep(o, report));
    }

    private static Command SegmentationInference()
    {
        var flags = new OptionsBinder<SegmentationInferenceBenchmarkOptions>(new SegmentationInferenceBenchmarkOptions { ImagePath = "" });
        flags.Bind(Flags.Backbone("backbone", flags.Defaults.Backbone), (o, v) => o with { Backbone = v });
        flags.Required("image", "a JPEG or PNG image", (o, v) => o with { ImagePath = v });
        StageFlags.Mode(flags, "backbone BatchNorm mode", o => o.Mode, (o, v) => o with { Mode = v });
        flags.Switch("use_gn", "GroupNorm in the ASPP and decoder (false: BatchNorm)", o => o.UseGroupNorm, (o, v) => o with { UseGroupNorm = v });
        StageFlags.Scales(flags, o => o.Scales, (o, v) => o with { Scales = v });
        flags.Int("iteration", "dense CRF iterations (0: none)", o => o.CrfIterations, (o, v) => o with { CrfIterations = v }, 0, 1000);
        flags.Optional("checkpoint", "network weights (default: the backbone's own initial weights; the time does not depend on them)", (o, v) => o with { Checkpoint = v });
        flags.Bind(StageFlags.Gpus(), (o, v) => o with { Gpus = v });
        return BenchFlags.Command(flags, "runs", "seg-infer", "Stage 8 on one image: every scale and its flip through DeepLabv3+, softmax, dense CRF (no decoding or writing).",
            null, (o, report) => SegmentationBenchmark.RunInference(o, report));
    }
}

/// <summary>The flags and the action every benchmark shares, declared once: what it repeats is a step, a run or a walk.</summary>
internal static class BenchFlags
{
    /// <summary>
    /// A benchmark command: adds <c>--warmup</c>, <c>--repeats</c> and (with <paramref name="memory"/>)
    /// <c>--memory_every</c>, then prints the native runtime in use (with <paramref name="torch"/>), the
    /// <paramref name="header"/> line, and what <paramref name="run"/> measured.
    /// </summary>
    public static Command Command<T>(OptionsBinder<T> flags, string what, string name, string description, Func<T, string>? header,
        Func<T, Action<string>, object> run, bool memory = true, bool torch = true) where T : BenchmarkOptions
    {
        flags.Int("warmup", $"untimed {what} first", o => o.Warmup, (o, v) => (T)(o with { Warmup = v }), 0, 1000);
        flags.Int("repeats", $"timed {what}", o => o.Repeats, (o, v) => (T)(o with { Repeats = v }), 1, 100000);
        if (memory)
            flags.Int("memory_every", $"print resident memory every N timed {what} (0: never)", o => o.ReportMemoryEvery, (o, v) => (T)(o with { ReportMemoryEvery = v }), 0, 100000);
        var command = flags.Command(name, description);
        command.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            var options = flags.Read(r);
            if (torch) output.WriteLine(Runtime.TorchRuntime.EnsureLoaded());
            if (header is not null) output.WriteLine(header(options));
            output.WriteLine(run(options, output.WriteLine));
            return CliApp.Ok;
        });
        return command;
    }
}
