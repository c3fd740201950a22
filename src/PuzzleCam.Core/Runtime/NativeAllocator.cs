using System.Runtime.InteropServices;

namespace PuzzleCam.Runtime;

/// <summary>
/// Keeps the process's resident memory flat over long CPU runs. libtorch frees and reallocates its large activation
/// and gradient buffers every step; glibc raises its mmap threshold each time such a block is freed, so later ones come
/// from the heap instead, which fragments: a ResNet training step grew the process by 10 to 110 MB per iteration here,
/// with every tensor accounted for. A fixed threshold (which also switches the dynamic adjustment off) keeps blocks of
/// 64 KB and more in their own mappings, returned to the system when freed; the process then stayed flat.
/// </summary>
public static partial class NativeAllocator
{
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapThreshold = -3;
    private const int MmapThresholdBytes = 64 * 1024;
    private const int TrimThresholdBytes = 128 * 1024;

    private static int _configured;

    /// <summary>Applies the settings once, on glibc Linux; elsewhere, or when the variables are set by the user, it does nothing.</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        try
        {
            Mallopt(MallocMmapThreshold, MmapThresholdBytes);
            Mallopt(MallocTrimThreshold, TrimThresholdBytes);
        }
        catch (EntryPointNotFoundException)
        {
            // musl and other C libraries have no mallopt; their allocators do not adjust the threshold.
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
