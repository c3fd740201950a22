using System.Collections;
using System.Runtime.InteropServices;

namespace PuzzleCam.Runtime;

/// <summary>
/// The C allocator behind libtorch's CPU tensors, which decides both the speed and the resident memory of CPU training.
/// libtorch frees and reallocates its large activation and gradient buffers every step. glibc's malloc serves them from
/// its main heap, which fragments: a ResNet-50 puzzle step grew the process by about 27 MB per iteration here, with
/// every tensor accounted for. Returning the free heap pages once per iteration (<c>malloc_trim</c>, <see cref="Release"/>)
/// keeps it flat, but then the next step faults 570 MB of pages back in, about a tenth of the step.
/// gperftools' tcmalloc reuses those buffers with neither growth nor faults (measured: flat over 200 steps, 8 % faster),
/// but it must be loaded before the runtime starts, so the command line re-executes itself with it preloaded
/// (<see cref="PreloadAndRestart"/>), as PyTorch's own CPU launcher does. Under tcmalloc <c>malloc_trim</c> is glibc's
/// and finds nothing to do, so <see cref="Release"/> costs nothing there.
/// </summary>
public static partial class NativeAllocator
{
    /// <summary>Environment variable: <c>glibc</c> keeps glibc's malloc; set to <c>tcmalloc</c> by the restart itself.</summary>
    public const string ChoiceVariable = "PUZZLECAM_ALLOCATOR";

    private const string TcmallocLibrary = "libtcmalloc_minimal.so.4";
    private static readonly string[] LibraryDirectories = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

    private static bool _trimUnavailable = !OperatingSystem.IsLinux();

    /// <summary>The allocator this process runs on, for the banners of long commands and benchmarks.</summary>
    public static string Describe() =>
        IsTcmallocLoaded() ? "tcmalloc"
        : OperatingSystem.IsLinux() ? "glibc malloc, trimmed once per iteration"
        : "the system allocator";

    /// <summary>Gives free native heap memory back to the system; call it between iterations. A no-op off glibc.</summary>
    public static void Release()
    {
        if (_trimUnavailable) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries have no malloc_trim.
            _trimUnavailable = true;
        }
    }

    /// <summary>
    /// On Linux, when tcmalloc is installed and not loaded yet, replaces this process by the same command line with
    /// tcmalloc preloaded; returns only when it does not (not Linux, not installed, <see cref="ChoiceVariable"/> is
    /// <c>glibc</c>, already restarted, or the exec failed). Call it first thing in <c>Main</c>, before any thread or
    /// native library has started.
    /// </summary>
    public static void PreloadAndRestart()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(ChoiceVariable) is { Length: > 0 }) return;
        if (IsTcmallocLoaded() || FindTcmalloc() is not { } library) return;
        string[] argv;
        try
        {
            argv = File.ReadAllText("/proc/self/cmdline").Split('\0', StringSplitOptions.None)[..^1];
        }
        catch (IOException)
        {
            return;
        }
        if (argv.Length == 0) return;
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        environment["LD_PRELOAD"] = environment.TryGetValue("LD_PRELOAD", out var preload) && preload.Length > 0 ? $"{library}:{preload}" : library;
        environment[ChoiceVariable] = "tcmalloc";
        Exec("/proc/self/exe", argv, environment.Select(e => $"{e.Key}={e.Value}").ToArray());
    }

    /// <summary>Whether tcmalloc serves this process's malloc (it exports its own extension API).</summary>
    public static bool IsTcmallocLoaded() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "MallocExtension_ReleaseFreeMemory", out _);

    /// <summary>The tcmalloc library <see cref="PreloadAndRestart"/> would load, or null when none is installed.</summary>
    public static string? FindTcmalloc() =>
        LibraryDirectories.Select(d => Path.Combine(d, TcmallocLibrary)).FirstOrDefault(File.Exists);

    private static void Exec(string path, string[] argv, string[] environment)
    {
        var handles = new List<IntPtr>();
        IntPtr[] Pin(string[] strings)
        {
            var pointers = new IntPtr[strings.Length + 1];
            for (int i = 0; i < strings.Length; i++) handles.Add(pointers[i] = Marshal.StringToCoTaskMemUTF8(strings[i]));
            return pointers;
        }
        try
        {
            // Returns only on failure, and then this process simply goes on with glibc's malloc.
            ExecVe(path, Pin(argv), Pin(environment));
        }
        finally
        {
            foreach (var h in handles) Marshal.FreeCoTaskMem(h);
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ExecVe(string path, IntPtr[] argv, IntPtr[] envp);
}
