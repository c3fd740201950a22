using System.Globalization;

namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// Options named as the seed scripts name them (<c>--data_dir</c>) with a kebab-case alias (<c>--data-dir</c>), so
/// that the reference's README commands work unchanged and so does the usual .NET spelling.
/// </summary>
internal static class Flags
{
    public static Option<T> Create<T>(string snakeName, string description, Func<T>? defaultValue = null, bool required = false) =>
        Create(snakeName, description, defaultValue, required, null);

    /// <param name="rangeError">For a number: the error of a value out of range, or null when it is in range.</param>
    private static Option<T> Create<T>(string snakeName, string description, Func<T>? defaultValue, bool required, Func<T, string?>? rangeError)
    {
        var name = "--" + snakeName;
        var kebab = "--" + snakeName.Replace('_', '-');
        var option = kebab == name ? new Option<T>(name) : new Option<T>(name, kebab);
        option.Description = description;
        option.Required = required;
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue();
        ParseNumbers(option, name, rangeError);
        return option;
    }

    /// <summary>
    /// Numbers parsed in the invariant culture, with errors that name the flag; the parser's own would name the .NET
    /// type (<c>System.Nullable`1[System.Double]</c>). The range is checked here rather than in a validator, which
    /// System.CommandLine runs even on a value it could not convert (and then throws reading it).
    /// </summary>
    private static void ParseNumbers<T>(Option<T> option, string name, Func<T, string?>? rangeError)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (type != typeof(int) && type != typeof(long) && type != typeof(double)) return;
        option.CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            object? value = type == typeof(double)
                ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null
                : type == typeof(int)
                    ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null
                    : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
            if (value is null)
            {
                r.AddError(type == typeof(double) ? $"{name}: '{text}' is not a number" : $"{name}: '{text}' is not a whole number");
                return default;
            }
            if (rangeError?.Invoke((T)value) is { } error) r.AddError(error);
            return (T)value;
        };
    }

    /// <summary>
    /// <paramref name="option"/> with a check of its given text at parse time, so that a bad value exits with the usage
    /// code (2) like every other flag; <paramref name="problem"/> returns the error naming the flag, or null.
    /// </summary>
    public static Option<T> CheckedBy<T>(Option<T> option, Func<string, string?> problem)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && problem(result.Tokens[^1].Value) is { } error) result.AddError(error);
        });
        return option;
    }

    /// <summary>An integer option that must lie in [min, max]; a value outside stops with an error naming the flag.</summary>
    public static Option<int> Int(string snakeName, string description, int defaultValue, int min, int max = int.MaxValue) =>
        Create(snakeName, description, () => defaultValue, false, v => v >= min && v <= max ? null
            : max == int.MaxValue ? $"--{snakeName} must be at least {min}, got {v}" : $"--{snakeName} must be in [{min}, {max}], got {v}");

    /// <summary>A double option that must lie in [min, max].</summary>
    public static Option<double> Double(string snakeName, string description, double defaultValue, double min, double max) =>
        Create(snakeName, description, () => defaultValue, false, v => InRange(snakeName, v, min, max));

    /// <summary>An optional double option (unset means a default chosen later) that must lie in [min, max] when given.</summary>
    public static Option<double?> OptionalDouble(string snakeName, string description, double min, double max) =>
        Create<double?>(snakeName, description, null, false, v => InRange(snakeName, v!.Value, min, max));

    /// <summary>An optional double option whose given value <paramref name="problem"/> checks (the error naming the flag, or null).</summary>
    public static Option<double?> OptionalDouble(string snakeName, string description, Func<double, string?> problem) =>
        Create<double?>(snakeName, description, null, false, v => problem(v!.Value));

    /// <summary>An optional int option (unset means none) whose given value <paramref name="problem"/> checks (the error naming the flag, or null).</summary>
    public static Option<int?> OptionalInt(string snakeName, string description, Func<int?, string?> problem) =>
        Create(snakeName, description, null, false, problem);

    /// <summary>An optional whole-number option that must be at least <paramref name="min"/> when given.</summary>
    public static Option<long?> OptionalLong(string snakeName, string description, long min) =>
        Create<long?>(snakeName, description, null, false, v => v >= min ? null : $"--{snakeName} must be at least {min}, got {v}");

    private static string? InRange(string snakeName, double v, double min, double max) =>
        v >= min && v <= max ? null : FormattableString.Invariant($"--{snakeName} must be in [{min}, {max}], got {v}");

    /// <summary>A string option restricted to a fixed set of values; a value outside names the flag and lists them.</summary>
    public static Option<string> Choice(string snakeName, string description, string defaultValue, params string[] allowed)
    {
        var option = Create(snakeName, description + $" ({string.Join(", ", allowed)})", () => defaultValue);
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (!allowed.Contains(v)) r.AddError($"--{snakeName}: unknown value '{v}'; accepted: {string.Join(", ", allowed)}");
        });
        option.CompletionSources.Add(allowed);
        return option;
    }

    /// <summary>A string option restricted to a fixed set of values when given; unset, it is null.</summary>
    public static Option<string?> OptionalChoice(string snakeName, string description, params string[] allowed)
    {
        var option = Create<string?>(snakeName, description);
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string?>();
            if (v is not null && !allowed.Contains(v)) r.AddError($"--{snakeName}: unknown value '{v}'; accepted: {string.Join(", ", allowed)}");
        });
        option.CompletionSources.Add(allowed);
        return option;
    }

    /// <summary><c>--architecture</c>, restricted to the backbones Core can build.</summary>
    public static Option<string> Architecture(string description, string defaultValue) =>
        Choice("architecture", description, defaultValue, [.. Models.Backbones.Architectures.Select(a => a.Name)]);

    /// <summary><c>--backbone</c>, the segmentation scripts' name for the same choice.</summary>
    public static Option<string> Backbone(string description, string defaultValue) =>
        Choice("backbone", description, defaultValue, [.. Models.Backbones.Architectures.Select(a => a.Name)]);

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
            catch (BadInputException e)
            {
                r.AddError(e.Message);
            }
        });
        return option;
    }

    public static Option<bool> Switch(string snakeName, string description) => Create<bool>(snakeName, description);
}
