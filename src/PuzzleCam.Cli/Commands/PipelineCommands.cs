using System.CommandLine;
using PuzzleCam.Cli.CommandLine;
using PuzzleCam.Data.Synthetic;
using PuzzleCam.Pipeline;

namespace PuzzleCam.Cli.Commands;

/// <summary>The synthetic dataset and the whole-pipeline driver.</summary>
internal static class PipelineCommands
{
    private sealed class SyntheticFlags
    {
        private static readonly SyntheticOptions Defaults = new();
        public Option<int> Train { get; } = Flags.Int("train", "training images (all form train_aug; the first quarter also train)", Defaults.Train, 1, SyntheticOptions.MaxImages);
        public Option<int> Val { get; } = Flags.Int("val", "validation images", Defaults.Val, 1, SyntheticOptions.MaxImages);
        public Option<int> Size { get; } = Flags.Int("size", "image side in pixels", Defaults.Size, SyntheticOptions.MinSize, SyntheticOptions.MaxSize);
        public Option<int> Seed { get; } = Flags.Int("seed", "dataset seed: the same seed gives the same files", Defaults.Seed, 0);

        public void AddTo(Command c)
        {
            c.Add(Train);
            c.Add(Val);
            c.Add(Size);
            c.Add(Seed);
        }

        public SyntheticOptions Read(ParseResult r) => new()
        {
            Train = r.GetValue(Train),
            Val = r.GetValue(Val),
            Size = r.GetValue(Size),
            Seed = r.GetValue(Seed),
        };
    }

    public static Command MakeSynthetic()
    {
        var output = Flags.Create<string>("out", "dataset root to write (VOC layout)", required: true);
        var synthetic = new SyntheticFlags();
        var command = new Command("make-synthetic", "Write the synthetic VOC-format dataset (JPEG, XML, palette PNG masks, split lists), byte-identical for a seed.") { output };
        synthetic.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var options = synthetic.Read(r);
            var reporter = new ConsoleReporter(r.InvocationConfiguration.Output);
            Reproduction.EnsureSynthetic(r.GetValue(output)!, options, reporter, cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }

    public static Command Reproduce()
    {
        var dataDir = Flags.Create("data_dir", "dataset root; with --preset synthetic it is generated there when missing", () => Path.Combine("datasets", "synthetic"));
        var preset = Flags.Choice("preset", "synthetic: generate and use the synthetic dataset; voc: use the VOC 2012 root in --data_dir", "synthetic", "synthetic", "voc");
        var skipBad = Flags.Switch("skip_bad", "skip unreadable images with a report instead of stopping");
        var synthetic = new SyntheticFlags();
        var command = new Command("reproduce", "Run the whole pipeline, stage after stage, resuming where an earlier run stopped.") { dataDir, preset, skipBad };
        synthetic.AddTo(command);
        command.SetAction((r, cancel) =>
        {
            var options = new ReproduceOptions
            {
                DataDir = r.GetValue(dataDir)!,
                Synthetic = r.GetValue(preset) == "synthetic" ? synthetic.Read(r) : null,
                SkipBad = r.GetValue(skipBad),
            };
            Reproduction.Run(options, new ConsoleReporter(r.InvocationConfiguration.Output), cancel);
            return Task.FromResult(CliApp.Ok);
        });
        return command;
    }
}
