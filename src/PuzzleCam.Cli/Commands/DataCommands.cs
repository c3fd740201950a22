using PuzzleCam.Data.Voc;

namespace PuzzleCam.Cli.Commands;

/// <summary>Commands that read or prepare a VOC-format dataset.</summary>
internal static class DataCommands
{
    /// <summary>The options every stage uses to name its images: a VOC root and a split or list.</summary>
    public sealed class DataOptions
    {
        public Option<string> DataDir { get; } = StageFlags.DataDir();
        public Option<string> Domain { get; } = StageFlags.Domain("train");
        public Option<string?> List { get; } = Flags.Create<string?>("list", "an id list file, one id per line (overrides --domain)");

        public void AddTo(Command command)
        {
            command.Add(DataDir);
            command.Add(Domain);
            command.Add(List);
        }

        public ImageListSource Source(ParseResult r) =>
            r.GetValue(List) is { } file ? ImageListSource.FromFile(file) : ImageListSource.FromDomain(r.GetValue(Domain)!);
    }

    public static Command CheckData()
    {
        var data = new DataOptions();
        var skipBad = Flags.Switch("skip_bad", "report bad images and go on instead of stopping at the first");
        var command = new Command("check-data", "Read every image, annotation and mask of a split once and report counts and problems.");
        data.AddTo(command);
        command.Add(skipBad);
        command.SetAction(r =>
        {
            var dataset = VocDataset.Open(r.GetValue(data.DataDir)!, data.Source(r));
            var progress = new ConsoleProgress("check-data");
            var report = dataset.Scan(r.GetValue(skipBad), progress);
            r.InvocationConfiguration.Output.WriteLine($"{dataset.Root} [{data.Source(r)}]: {report}");
            return report.Skipped.Count == 0 ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }

    public static Command MakeTrainAug()
    {
        var dataDir = Flags.Create<string>("data_dir", "VOC 2012 root (its ImageSets/Segmentation holds train.txt and val.txt)", required: true);
        var sbdDir = Flags.Create<string>("sbd_dir", "SBD root: the folder holding train.txt and val.txt (benchmark_RELEASE/dataset)", required: true);
        var output = Flags.Create<string?>("out", "where to write the list (default {data_dir}/ImageSets/Segmentation/train_aug.txt)");
        var command = new Command("make-train-aug", "Derive the reference's train_aug list: SBD train + SBD val + VOC train - VOC val (10,582 ids).")
        {
            dataDir, sbdDir, output,
        };
        command.SetAction(r =>
        {
            var voc = r.GetValue(dataDir)!;
            var sbd = r.GetValue(sbdDir)!;
            if (!Directory.Exists(voc)) throw new DirectoryNotFoundException($"{voc}: not found (--data_dir)");
            if (!Directory.Exists(sbd)) throw new DirectoryNotFoundException($"{sbd}: not found (--sbd_dir)");
            var seg = Path.Combine(voc, "ImageSets", "Segmentation");
            var ids = ImageList.DeriveTrainAug(
                ImageList.Read(Path.Combine(sbd, "train.txt")), ImageList.Read(Path.Combine(sbd, "val.txt")),
                ImageList.Read(Path.Combine(seg, "train.txt")), ImageList.Read(Path.Combine(seg, "val.txt")));
            var path = r.GetValue(output) ?? Path.Combine(seg, "train_aug.txt");
            IO.OutputLocation.CheckFile(path, "--out");
            ImageList.Write(path, ids);
            r.InvocationConfiguration.Output.WriteLine($"wrote {ids.Count} ids to {path}");
            return CliApp.Ok;
        });
        return command;
    }
}
