using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.IO;

public class FolderLockTests
{
    private static string NewFolder() => Path.Combine(Directory.CreateTempSubdirectory("lock").FullName, "predictions");

    [Fact]
    public void TheLockIsAFileNamingItsProcessUntilReleased()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, FolderLock.FileName);
        using (FolderLock.Take(folder, "inference-rw"))
        {
            Assert.StartsWith($"{Environment.ProcessId} ", File.ReadAllText(path));
            Assert.EndsWith(" inference-rw", File.ReadAllText(path));
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TheSameProcessMayTakeAFolderItHoldsAndTheInnerReleaseKeepsIt()
    {
        var folder = NewFolder();
        using var outer = FolderLock.Take(folder, "reproduce");
        FolderLock.Take(folder, "evaluate").Dispose();
        Assert.True(File.Exists(Path.Combine(folder, FolderLock.FileName)));
    }

    [Fact]
    public void AFolderHeldByAnotherLiveProcessIsRefusedNamingTheFolderAndTheProcess()
    {
        var folder = NewFolder();
        Directory.CreateDirectory(folder);
        // Process 1 is always running on Linux (init); on other systems any live process id would do.
        var live = OperatingSystem.IsLinux() ? 1 : System.Diagnostics.Process.GetProcesses().First(p => p.Id != Environment.ProcessId).Id;
        File.WriteAllText(Path.Combine(folder, FolderLock.FileName), $"{live} 2026-01-01T00:00:00Z make-pseudo-labels");
        var error = Assert.Throws<OutputFolderConflictException>(() => FolderLock.Take(folder, "make-pseudo-labels"));
        Assert.StartsWith(folder, error.Message);
        Assert.Contains($"in use by process {live}", error.Message);
        Assert.Contains("make-pseudo-labels", error.Message);
    }

    [Fact]
    public void ALockLeftByADeadProcessIsTakenOverWithANote()
    {
        var folder = NewFolder();
        Directory.CreateDirectory(folder);
        var stale = $"{int.MaxValue} 2026-01-01T00:00:00Z inference-segmentation";
        File.WriteAllText(Path.Combine(folder, FolderLock.FileName), stale);
        using var taken = FolderLock.Take(folder, "inference-segmentation");
        Assert.Equal(stale, taken.TakenOverFrom);
        Assert.StartsWith($"{Environment.ProcessId} ", File.ReadAllText(Path.Combine(folder, FolderLock.FileName)));
    }
}
