namespace PuzzleCam.IO;

/// <summary>
/// One writer per output folder: a run that writes a folder (a stage's predictions, a training run's checkpoints)
/// holds this lock, a file in the folder naming its process, until it ends. A second process that asks for the same
/// folder stops at once, naming the folder and the holder, instead of mixing its files with the first one's. A lock
/// whose process is gone (killed) is taken over, and <see cref="TakenOverFrom"/> says from whom. The same process may
/// take a folder it already holds (a driver that runs a stage, then scores it).
/// </summary>
public sealed class FolderLock : IDisposable
{
    public const string FileName = ".puzzlecam-lock";

    private readonly string _path;
    private readonly bool _owner;

    private FolderLock(string path, bool owner, string? takenOverFrom)
    {
        _path = path;
        _owner = owner;
        TakenOverFrom = takenOverFrom;
    }

    /// <summary>The holder of a lock that was left by a process no longer running and was taken over, or null.</summary>
    public string? TakenOverFrom { get; }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (created when missing) for <paramref name="command"/>; throws
    /// <see cref="OutputFolderConflictException"/> when another live process holds it.
    /// </summary>
    public static FolderLock Take(string folder, string command)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var holder = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessId} {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {command}");
        string? takenOver = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(stream))
                    writer.Write(holder);
                return new FolderLock(path, owner: true, takenOver);
            }
            catch (IOException) when (File.Exists(path))
            {
                var (pid, text) = ReadHolder(path);
                if (pid == Environment.ProcessId) return new FolderLock(path, owner: false, null);
                if (pid is { } live && AtomicFile.IsAlive(live))
                    throw new OutputFolderConflictException(folder,
                        $"in use by process {live} ({text}); two runs writing one folder would mix their files. Wait for it to end, or stop it");
                // The holder is gone: its lock is stale.
                takenOver = text;
                try { File.Delete(path); } catch (IOException) { }
            }
        }
        throw new OutputFolderConflictException(folder, $"could not take {path}; another run keeps taking it");
    }

    private static (int? Pid, string Text) ReadHolder(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return (null, "unreadable lock");
        }
        var first = text.Split(' ', 2)[0];
        return (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null, text);
    }

    /// <summary>Releases the lock (only the call that created it removes the file).</summary>
    public void Dispose()
    {
        if (!_owner) return;
        try { File.Delete(_path); } catch (IOException) { }
    }
}
