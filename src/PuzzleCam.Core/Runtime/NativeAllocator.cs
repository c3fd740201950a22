using System.Runtime.InteropServices;

namespace PuzzleCam.Runtime;

/// <summary>
/// Keeps the process's resident memory flat over long CPU runs. libtorch frees and reallocates its large activation
/// and gradient buffers every step; glibc serves them from its heaps, which fragment, and a ResNet training step grew
/// the process by 10 to 110 MB per iteration here with every tensor accounted for. Returning the free heap pages to the
/// system once per unit of work (<c>malloc_trim</c>) keeps it flat at no measurable cost; forcing the buffers into
/// their own mappings instead (a small mmap threshold) also kept it flat but made each step twice as slow.
/// </summary>
public static partial class NativeAllocator
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Gives free native heap memory back to the system; call it between iterations. A no-op off glibc.</summary>
    public static void Release()
    {
        if (_unavailable) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries have no malloc_trim.
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
