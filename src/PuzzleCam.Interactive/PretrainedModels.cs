using System.Reflection;
using PuzzleCam.Models.Pretrained;

namespace PuzzleCam.Interactive;

/// <summary>
/// Points Core at the ImageNet ResNet-18 (ONNX) in a notebook. Applications find it in their output folder, where the
/// ML.NET package's build props copy it; a notebook kernel has no such folder, so the model is taken from that package's
/// folder in the NuGet cache, which building this repository (<c>eng/pack-notebooks.sh</c>) has filled.
/// </summary>
public static class PretrainedModels
{
    /// <summary>The ML.NET package that ships the model, as <c>id/version</c>, recorded at build time.</summary>
    public static string ResNet18Package { get; } =
        typeof(PretrainedModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "PuzzleCam.ResNet18Package")?.Value ?? "";

    /// <summary>
    /// Sets <see cref="PretrainedResNet18.ModelPathVariable"/> to the cached model when nothing else provides one, and
    /// says where the model comes from; an empty string when none was found (the resnet18 backbone then explains itself).
    /// </summary>
    public static string Prepare()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PretrainedResNet18.ModelPathVariable))
            || File.Exists(Path.Combine(AppContext.BaseDirectory, PretrainedResNet18.ModelRelativePath)))
            return TryLocate();
        var packages = TorchNatives.PackagesRoot ?? Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(packages, ResNet18Package, "tools", PretrainedResNet18.ModelRelativePath);
        if (ResNet18Package.Length > 0 && File.Exists(cached)) Environment.SetEnvironmentVariable(PretrainedResNet18.ModelPathVariable, cached);
        return TryLocate();
    }

    private static string TryLocate()
    {
        try
        {
            return PretrainedResNet18.LocateModel();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }
}
