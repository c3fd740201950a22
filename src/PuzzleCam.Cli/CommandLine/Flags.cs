using System.CommandLine;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// Options named as the seed scripts name them (<c>--data_dir</c>) with a kebab-case alias (<c>--data-dir</c>), so
/// that the reference's README commands work unchanged and so does the usual .NET spelling.
/// </summary>
internal static class Flags
{
    public static Option<T> Create<T>(string snakeName, string description, Func<T>? defaultValue = null, bool required = false)
    {
        var name = "--" + snakeName;
        var kebab = "--" + snakeName.Replace('_', '-');
        var option = kebab == name ? new Option<T>(name) : new Option<T>(name, kebab);
        option.Description = description;
        option.Required = required;
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue();
        return option;
    }

    /// <summary>An integer option that must lie in [min, max]; a value outside stops with an error naming the flag.</summary>
    public static Option<int> Int(string snakeName, string description, int defaultValue, int min, int max = int.MaxValue)
    {
        var option = Create(snakeName, description, () => defaultValue);
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<int>();
            if (v < min || v > max)
                r.AddError(max == int.MaxValue ? $"--{snakeName} must be at least {min}, got {v}" : $"--{snakeName} must be in [{min}, {max}], got {v}");
        });
        return option;
    }

    /// <summary>A double option that must lie in [min, max].</summary>
    public static Option<double> Double(string snakeName, string description, double defaultValue, double min, double max)
    {
        var option = Create(snakeName, description, () => defaultValue);
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(v >= min && v <= max)) r.AddError(FormattableString.Invariant($"--{snakeName} must be in [{min}, {max}], got {v}"));
        });
        return option;
    }

    /// <summary>A string option restricted to a fixed set of values.</summary>
    public static Option<string> Choice(string snakeName, string description, string defaultValue, params string[] allowed)
    {
        var option = Create(snakeName, description + $" ({string.Join(", ", allowed)})", () => defaultValue);
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary><c>--architecture</c>, restricted to the backbones Core can build.</summary>
    public static Option<string> Architecture(string description, string defaultValue) =>
        Choice("architecture", description, defaultValue, [.. Models.Backbones.Architectures.Select(a => a.Name)]);

    /// <summary><c>--augment</c>: the reference's extra colour augmentations, checked word by word when parsed.</summary>
    public static Option<string> Augment(string defaultValue)
    {
        var option = Create("augment", "extra augmentations after the flip: colorjitter, randaugment, or both joined by '_' (default: none)", () => defaultValue);
        option.Validators.Add(r =>
        {
            try
            {
                Data.Transforms.AugmentationOptions.ParseAugment(r.GetValueOrDefault<string>() ?? "");
            }
            catch (ArgumentException e)
            {
                r.AddError(e.Message);
            }
        });
        return option;
    }

    public static Option<bool> Switch(string snakeName, string description) => Create<bool>(snakeName, description);
}
