using System.Runtime.InteropServices;

namespace PuzzleCam.Runtime;

/// <summary>TorchSharp's native backend could not be loaded; the message says why and what to run.</summary>
public sealed class TorchUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Loads TorchSharp's native backend once and turns a load failure into an error a user can act on.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<string> Description = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch if needed and returns a one-line description (versions, threads, CUDA devices, allocator).</summary>
    public static string EnsureLoaded() => Description.Value;

    private static string Load()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.ones(1);
            var cuda = torch.cuda.is_available() ? $"{torch.cuda.device_count()} CUDA device(s)" : "no CUDA";
            return $"TorchSharp {typeof(torch).Assembly.GetName().Version} (libtorch {torch.__version__}), {torch.get_num_threads()} CPU threads, {cuda}, native allocator: {NativeAllocator.Describe()}";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            var root = e;
            while (root.InnerException is not null) root = root.InnerException;
            var hint = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                ? "TorchSharp 0.107 needs the C++ runtime of GCC 13 or newer (GLIBCXX_3.4.32); on Debian 12 run 'bash eng/ensure-native-runtime.sh' from the repository root (it installs Debian 13's libstdc++6)"
                : "check that the TorchSharp native packages (libtorch) were restored for this platform";
            throw new TorchUnavailableException($"TorchSharp could not load its native library: {root.Message}. {hint}.", e);
        }
    }
}
