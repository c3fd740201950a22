using System.Text;
using System.Text.Json.Nodes;

namespace PuzzleCam.Interactive.Tests;

/// <summary>
/// Packs PuzzleCam.Core and PuzzleCam.Interactive into a private folder under a version used once, then runs every
/// notebook headless with dotnet-repl (the repository's local dotnet tool) on a small synthetic dataset, as a user's
/// kernel would run it: each must finish without a cell error, and its saved outputs must hold an image, a plotly chart
/// and a table. The outputs are then put on one page in order, as a notebook front end shows them, and rendered in
/// headless Chromium: every chart must be drawn by the plotly.js that the extension embedded once.
/// </summary>
[Trait("Category", "Slow")]
public class NotebookTests : IClassFixture<NotebookTests.Packages>
{
    private static readonly string NotebookDir = Path.Combine(RepoPaths.Root, "notebooks");
    private static readonly string Executed = Path.Combine(RepoPaths.Root, "artifacts", "notebooks");

    private readonly Packages _packages;

    public NotebookTests(Packages packages) => _packages = packages;

    public static TheoryData<string> Notebooks => new(Directory.GetFiles(NotebookDir, "*.ipynb").Select(Path.GetFileName).Order().Select(n => n!));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void NotebookRunsHeadlessAndShowsImagesChartsAndTables(string notebook)
    {
        Directory.CreateDirectory(Executed);
        var output = Path.Combine(Executed, notebook);
        var environment = new Dictionary<string, string>
        {
            ["PUZZLECAM_PACKAGES"] = _packages.Feed,
            ["PUZZLECAM_NOTEBOOK_DATA"] = _packages.Data,
            ["PUZZLECAM_NOTEBOOK_SMALL"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        // A libtorch that is not ours, first on the search path: loading the extension must still give TorchSharp its own.
        if (_packages.ForeignLibTorch is { } foreign) environment["LD_LIBRARY_PATH"] = foreign;
        var (code, stdout, stderr) = Processes.Run("dotnet",
            $"tool run dotnet-repl -- --run {Path.Combine(NotebookDir, notebook)} --exit-after-run --output-format ipynb --output-path {output}",
            TimeSpan.FromMinutes(10), NotebookDir, environment);

        Assert.True(File.Exists(output), $"dotnet-repl wrote no {output} (exit {code}): {stderr}{stdout}");
        var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray();
        var outputs = cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(o => o!).ToList();
        var errors = outputs.Where(o => (string?)o["output_type"] == "error").Select(o => (string?)o["evalue"]).ToList();
        Assert.True(code == 0 && errors.Count == 0, $"{notebook}: dotnet-repl exit {code}, cell errors:\n{string.Join("\n---\n", errors)}\n{stderr}");

        var html = outputs.Select(o => o["data"]?["text/html"]).Where(h => h is not null).Select(Text).ToList();
        var all = string.Concat(html);
        Assert.Contains("data:image/png;base64,", all);
        Assert.Contains("class=\"puzzlecam-plotly\"", all);
        Assert.Contains("<table", all);
        Assert.Single(html, h => h.Contains("class=\"puzzlecam-plotly-js\""));
        var loaded = Assert.Single(html, h => h.Contains("puzzlecam-loaded"));
        Assert.Contains("natives from", loaded);
        Assert.Contains("ImageNet ResNet-18 from", loaded);

        var page = Path.Combine(Executed, Path.ChangeExtension(notebook, ".html"));
        File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{notebook}</title></head><body style=\"font-family:sans-serif;margin:8px\">"
            + string.Concat(html.Where(h => !h.Contains("<strong>Installing Packages</strong>")).Select(h => $"<div class=\"output\" style=\"margin-bottom:12px\">{h}</div>")) + "</body></html>");
        var dom = Chromium.DumpDom(page);
        int charts = KernelExtensionTests.Count(all, "class=\"puzzlecam-plotly\"");
        Assert.True(KernelExtensionTests.Count(dom, "class=\"main-svg\"") >= charts, $"{notebook}: {charts} charts but plotly drew fewer");
        // Chromium writes no screenshot into a missing folder, and says nothing about it.
        var screenshot = Path.Combine(RepoPaths.Root, "artifacts", "screenshots", "notebook-" + Path.ChangeExtension(notebook, ".png"));
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        Chromium.Screenshot(page, screenshot, 1200, 3000);
        Assert.True(File.Exists(screenshot), $"chromium saved no screenshot of {page}");
    }

    private static string Text(JsonNode? node) => node is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)node ?? "";

    /// <summary>The private package folder, a dataset folder, and the stand-in foreign libtorch; all removed afterwards.</summary>
    public sealed class Packages : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("puzzlecam-notebooks-").FullName;
        private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

        public Packages()
        {
            Feed = Path.Combine(_root, "packages");
            Data = Path.Combine(_root, "data");
            // Pack what the tests were built with: the configuration is the bin folder's name.
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            foreach (var project in new[] { "PuzzleCam.Interactive", "PuzzleCam.Core" })
            {
                var (code, stdout, stderr) = Processes.Run("dotnet",
                    $"pack {Path.Combine(RepoPaths.Root, "src", project)} --no-build -c {configuration} -o {Feed} -p:Version={_version} --nologo -nodeReuse:false",
                    TimeSpan.FromMinutes(5), RepoPaths.Root);
                if (code != 0) throw new InvalidOperationException($"dotnet pack {project} failed ({code}): {stdout}{stderr}");
            }
            var restore = Processes.Run("dotnet", "tool restore", TimeSpan.FromMinutes(5), RepoPaths.Root);
            if (restore.Code != 0) throw new InvalidOperationException($"dotnet tool restore failed: {restore.Stdout}{restore.Stderr}");
            ForeignLibTorch = MakeForeignLibTorch(Path.Combine(_root, "foreign-libtorch"));
        }

        public string Feed { get; }
        public string Data { get; }

        /// <summary>A folder of empty libraries named like libtorch's, or null without a C compiler.</summary>
        public string? ForeignLibTorch { get; }

        private static string? MakeForeignLibTorch(string dir)
        {
            if (!File.Exists("/usr/bin/cc")) return null;
            Directory.CreateDirectory(dir);
            var source = Path.Combine(dir, "stub.c");
            File.WriteAllText(source, "int puzzlecam_foreign_libtorch = 1;\n", Encoding.ASCII);
            foreach (var name in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so" })
            {
                var (code, _, stderr) = Processes.Run("/usr/bin/cc", $"-shared -fPIC -Wl,-soname,{name} -o {Path.Combine(dir, name)} {source}", TimeSpan.FromMinutes(1));
                if (code != 0) throw new InvalidOperationException($"cc failed building the stand-in {name}: {stderr}");
            }
            return dir;
        }

        public void Dispose()
        {
            Directory.Delete(_root, true);
            // The notebooks restored these into the NuGet cache under a version nobody will use again.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "puzzlecam.interactive", "puzzlecam.core" })
            {
                var dir = Path.Combine(cache, id, _version.ToLowerInvariant());
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
            }
        }
    }
}
