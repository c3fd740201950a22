using System.Diagnostics;
using System.Runtime.CompilerServices;
using PuzzleCam.IO;

namespace PuzzleCam.Tests;

/// <summary>
/// Gives each test process one temporary folder of its own and removes it when the process ends, so that a test run
/// leaves nothing behind however its tests create their folders (the tiny pipelines write hundreds of megabytes of
/// models each). Every temporary path of the process, the child processes it starts included, lies under it: the
/// folder is TMPDIR, which <see cref="Path.GetTempPath"/> and <see cref="Directory.CreateTempSubdirectory"/> read.
/// The folders of test processes that died without cleaning up are removed at the next start.
/// </summary>
internal static class TestTemp
{
    private const string Prefix = "puzzlecam-tests-";

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "the folder must be TMPDIR before any test asks for a temporary path")]
    internal static void Redirect()
    {
        var parent = Path.GetTempPath();
        foreach (var stale in Directory.EnumerateDirectories(parent, Prefix + "*"))
            if (int.TryParse(Path.GetFileName(stale)[Prefix.Length..], out var pid) && !AtomicFile.IsAlive(pid))
                TryDelete(stale);
        var root = Path.Combine(parent, Prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        Environment.SetEnvironmentVariable("TMPDIR", root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAfterExit(root);
    }

    /// <summary>
    /// Removes <paramref name="folder"/> by a process of its own: the test platform kills the test process soon after
    /// the last test, often before a delete of a few hundred megabytes is done.
    /// </summary>
    private static void RemoveAfterExit(string folder)
    {
        try
        {
            using var remover = Process.Start(new ProcessStartInfo("rm", ["-rf", "--", folder]) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            TryDelete(folder);
        }
    }

    /// <summary>Removes <paramref name="folder"/> and everything in it; what cannot be removed now goes at the next sweep.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// Temporary folders that a test class removes when each test ends (xunit disposes the class after every test), for
/// tests that write models: left to the end of the process, they would add up to gigabytes.
/// </summary>
internal sealed class TempFolders : IDisposable
{
    private readonly List<string> _folders = [];

    /// <summary>A new empty folder under the process's temporary folder, its name starting with <paramref name="prefix"/>.</summary>
    public string New(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        _folders.Add(folder);
        return folder;
    }

    public void Dispose()
    {
        foreach (var folder in _folders) TestTemp.TryDelete(folder);
        _folders.Clear();
    }
}
