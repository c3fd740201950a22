using System.CommandLine;
using PuzzleCam.Benchmarks;
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
        return bench;
    }

    private static Command TrainStep()
    {
        var defaults = new TrainStepBenchmarkOptions();
        var architecture = Flags.Choice("architecture", "backbone", defaults.Architecture, [.. Backbones.Architectures.Select(a => a.Name)]);
        var batchSize = Flags.Int("batch_size", "images per step", defaults.BatchSize, 1, 1024);
        var imageSize = Flags.Int("image_size", "square image side (a multiple of 32 for the puzzle tiles)", defaults.ImageSize, 32, 4096);
        var mode = Flags.Choice("mode", "BatchNorm mode", "fix", "fix", "normal");
        var puzzle = Flags.Switch("puzzle", "the Puzzle-CAM step (images and their 4 tiles); without it the baseline's step");
        var forward = Flags.Switch("forward_only", "time an eval-mode forward instead of a training step");
        var warmup = Flags.Int("warmup", "untimed steps first", defaults.Warmup, 0, 1000);
        var repeats = Flags.Int("repeats", "timed steps", defaults.Repeats, 1, 100000);
        var memory = Flags.Int("memory_every", "print resident memory every N timed steps (0: never)", 0, 0, 100000);
        var gpus = Flags.Create<string?>("gpus", "CUDA device index (the first is used); default: CUDA device 0 if any, else the CPU");
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
