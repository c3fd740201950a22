// Loaded by the first cell of every notebook: adds the PuzzleCam.Interactive package from the folder
// eng/pack-notebooks.sh fills (PUZZLECAM_PACKAGES moves it), which readies libtorch and the pictures, charts and tables.
using System.IO;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

var repository = new DirectoryInfo(Directory.GetCurrentDirectory());
while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "PuzzleCam.sln"))) repository = repository.Parent;
var packages = Environment.GetEnvironmentVariable("PUZZLECAM_PACKAGES")
    ?? Path.Combine(repository?.FullName ?? Directory.GetCurrentDirectory(), "artifacts", "packages");
if (!Directory.Exists(packages))
    throw new DirectoryNotFoundException($"{packages}: run 'bash eng/pack-notebooks.sh' in the repository first");
// "*-*" takes the newest version in the folder, prerelease included: the package packed last.
var added = await Kernel.Root.SendAsync(new SubmitCode($"#i \"nuget: {packages}\"\n#r \"nuget: PuzzleCam.Interactive, *-*\""));
if (added.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed) throw new InvalidOperationException(failed.Message);
