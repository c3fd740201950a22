namespace PuzzleCam.Runtime;

/// <summary>The <c>--gpus</c> flag of every stage: which devices a run uses.</summary>
public static class Devices
{
    /// <summary>
    /// The devices of a run: <paramref name="gpus"/> as "0,1,2" (the reference's CUDA_VISIBLE_DEVICES list), all of
    /// CUDA_VISIBLE_DEVICES' devices when it is unset, "cpu" for the CPU. Without CUDA, the CPU.
    /// </summary>
    public static IReadOnlyList<Device> Parse(string? gpus)
    {
        if (string.Equals(gpus?.Trim(), "cpu", StringComparison.OrdinalIgnoreCase)) return [CPU];
        if (!cuda.is_available())
        {
            if (!string.IsNullOrWhiteSpace(gpus)) throw new BadInputException($"--gpus {gpus}: CUDA is not available on this machine (TorchSharp CPU build or no GPU); leave --gpus out to train on the CPU");
            return [CPU];
        }
        int count = cuda.device_count();
        if (string.IsNullOrWhiteSpace(gpus))
            return Enumerable.Range(0, count).Select(i => new Device(DeviceType.CUDA, i)).ToArray();
        var ids = gpus.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            int.TryParse(s, out var id) && id >= 0 && id < count ? id : throw new BadInputException($"--gpus {gpus}: '{s}' is not a CUDA device index (0..{count - 1} here)"));
        return ids.Distinct().Select(i => new Device(DeviceType.CUDA, i)).ToArray();
    }
}
