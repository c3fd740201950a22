using System.Reflection;
using System.Runtime.InteropServices;
using PuzzleCam.Runtime;
using TorchSharp;

namespace PuzzleCam.Interactive;

/// <summary>
/// Makes TorchSharp usable inside a notebook kernel. There, TorchSharp.dll comes straight from the NuGet cache and its
/// natives sit in other package folders, so TorchSharp's first load looks libtorch up by name, and a libtorch installed
/// on the system (Debian's python3-torch brings 1.13) can be found first and fail with undefined symbols. Loading the
/// exact libtorch this build was made with, by absolute path, before any torch call makes those by-name lookups resolve
/// to it; it also spares TorchSharp its fallback of copying 500 MB of natives into the cache.
/// </summary>
public static class TorchNatives
{
    private static readonly object Gate = new();
    private static string? _preloaded;

    /// <summary>Which libtorch package this build runs on: <c>id/version</c>, or <c>cuda</c>; empty where TorchSharp-cpu is used.</summary>
    public static string LibTorchPackage { get; } =
        typeof(TorchNatives).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "PuzzleCam.LibTorchPackage")?.Value ?? "";

    /// <summary>
    /// Preloads the natives when TorchSharp was loaded from a package folder (notebooks), then loads TorchSharp's
    /// backend and returns its one-line description. Applications and tests load natives through their deps.json and
    /// need no preload; there this only checks that TorchSharp loads.
    /// </summary>
    /// <exception cref="TorchUnavailableException">libtorch could not be loaded; the message says why.</exception>
    public static string Prepare()
    {
        lock (Gate) _preloaded ??= Preload();
        var description = TorchRuntime.EnsureLoaded();
        return _preloaded.Length == 0 ? description : $"{description}; natives from {_preloaded}";
    }

    /// <summary>
    /// The NuGet package folder TorchSharp was loaded from (<c>&lt;packages&gt;/torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll</c>),
    /// or null when it comes from an application's own output folder.
    /// </summary>
    internal static string? PackagesRoot
    {
        get
        {
            var assemblyDir = Path.GetDirectoryName(typeof(torch).Assembly.Location);
            if (string.IsNullOrEmpty(assemblyDir)) return null;
            var torchSharpHome = Path.GetFullPath(Path.Combine(assemblyDir, "..", ".."));
            bool inPackage = string.Equals(Path.GetFileName(Path.GetDirectoryName(torchSharpHome)), "torchsharp", StringComparison.OrdinalIgnoreCase);
            return inPackage ? Path.GetFullPath(Path.Combine(torchSharpHome, "..", "..")) : null;
        }
    }

    private static string Preload()
    {
        if (!OperatingSystem.IsLinux()) return "";
        if (PackagesRoot is not { } packages) return "";
        var assemblyDir = Path.GetDirectoryName(typeof(torch).Assembly.Location)!;
        var torchSharpHome = Path.GetFullPath(Path.Combine(assemblyDir, "..", ".."));
        var libTorchSharp = Path.Combine(torchSharpHome, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        string? nativeDir = null;
        if (LibTorchPackage == "cuda")
        {
            // The CUDA libtorch is split over many fragment packages; TorchSharp joins them into this folder the first
            // time it initialises CUDA. Before that there is nothing whole to preload, and TorchSharp's own loader runs.
            var consolidated = Directory.Exists(assemblyDir) ? Directory.GetDirectories(assemblyDir, "cuda-*").FirstOrDefault() : null;
            if (consolidated is null || !File.Exists(Path.Combine(consolidated, "libLibTorchSharp.so"))) return "";
            nativeDir = consolidated;
            libTorchSharp = Path.Combine(consolidated, "libLibTorchSharp.so");
        }
        else if (LibTorchPackage.Length > 0)
        {
            nativeDir = Path.Combine(packages, LibTorchPackage.ToLowerInvariant(), "runtimes", "linux-x64", "native");
        }
        if (nativeDir is null || !File.Exists(Path.Combine(nativeDir, "libtorch.so")) || !File.Exists(libTorchSharp)) return "";

        // Dependencies first, each by absolute path: a library's own dependencies are looked up by name, and
        // LD_LIBRARY_PATH comes before its $ORIGIN run path, so only libraries already loaded are sure to be ours.
        // LibTorchSharp's dependencies then resolve by soname to these instead of to whatever the system has.
        var order = Directory.GetFiles(nativeDir, "libgomp*.so*").Order(StringComparer.Ordinal)
            .Concat(new[] { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so" }.Select(name => Path.Combine(nativeDir, name)).Where(File.Exists));
        foreach (var library in order) NativeLibrary.Load(library);
        NativeLibrary.Load(libTorchSharp);
        return nativeDir;
    }
}
