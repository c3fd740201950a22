namespace PuzzleCam.Models;

/// <summary>
/// Loads PyTorch checkpoints into our modules by key name, strictly: every key of the module must be supplied
/// (directly or through one of its reference aliases), every key of the file must land somewhere, shapes must
/// agree, and integer buffers stay integer. Everything is checked before the first tensor is copied, so a failed
/// load leaves the module untouched. Float16/float64 files are converted to the module's type.
/// </summary>
public static class CheckpointLoader
{
    private const int ListedPerProblem = 8;

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/>. Keys are first rewritten through
    /// <paramref name="aliases"/>; <paramref name="optional"/> names keys (after rewriting) that may be absent on
    /// either side, such as state the module derives itself.
    /// </summary>
    public static void Load(nn.Module module, string path, StateDictAliases aliases, Func<string, bool>? optional = null) =>
        Load(module, path, TorchCheckpoint.Read(path), aliases, optional);

    /// <summary>
    /// Loads ImageNet weights (torchvision ResNet or ResNeSt files) into a backbone; the file's classifier
    /// (<c>fc.*</c>) is dropped as in the reference.
    /// </summary>
    public static void LoadPretrained(ResidualNetwork backbone, string path)
    {
        var source = TorchCheckpoint.Read(path)
            .Where(kv => !kv.Key.StartsWith("fc.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Load(backbone, path, source, StateDictAliases.None, optional: null);
    }

    /// <summary>
    /// Loads the backbone of a trained network's checkpoint (the <c>model.*</c> keys of a classifier, AffinityNet or
    /// DeepLabv3+ file, also under the reference's <c>stage1.</c>..<c>stage5.</c> names) into <paramref name="backbone"/>;
    /// the heads are left out. Strict on the backbone: another architecture fails naming the file.
    /// </summary>
    public static void LoadBackboneOf(ResidualNetwork backbone, string path)
    {
        const string prefix = "model.";
        var aliases = BackboneNetwork<Tensor>.BackboneAliases;
        var source = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var checkpoint = TorchCheckpoint.Read(path);
        // AffinityNet trains only its edge layers; its backbone is ImageNet's, not one the tags or masks trained.
        if (checkpoint.Keys.Any(k => k.StartsWith("fc_edge", StringComparison.Ordinal)))
            throw new InvalidDataFileException(path, "is an AffinityNet checkpoint (fc_edge* keys), whose backbone was never trained; --backbone_from takes a trained classifier or segmentation network");
        foreach (var (key, value) in checkpoint)
        {
            var name = aliases.Resolve(key);
            if (name.StartsWith(prefix, StringComparison.Ordinal)) source.TryAdd(name[prefix.Length..], value);
        }
        if (source.Count == 0)
            throw new InvalidDataFileException(path, "holds no backbone weights (no model.* or stage1..5.* keys): not a checkpoint of a trained classifier or segmentation network");
        Load(backbone, path, source, StateDictAliases.None, optional: null);
    }

    /// <summary>Loads an in-memory state dict; <paramref name="path"/> only names the source in errors.</summary>
    public static void Load(nn.Module module, string path, IReadOnlyDictionary<string, Tensor> source, StateDictAliases aliases, Func<string, bool>? optional)
    {
        optional ??= _ => false;
        var target = module.state_dict();
        var assigned = new Dictionary<string, (string From, Tensor Value)>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var mismatched = new List<string>();
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            var name = aliases.Resolve(key);
            if (!target.TryGetValue(name, out var destination))
            {
                if (!optional(name)) unexpected.Add($"{key} {Shape(value)}");
                continue;
            }
            var via = name == key ? key : $"{key} (= {name})";
            if (!value.shape.SequenceEqual(destination.shape))
            {
                mismatched.Add($"{via}: file {Shape(value)}, model {Shape(destination)}");
                rejected.Add(name);
            }
            else if (value.is_floating_point() != destination.is_floating_point() || value.dtype == ScalarType.Bool != (destination.dtype == ScalarType.Bool))
            {
                mismatched.Add($"{via}: file {value.dtype}, model {destination.dtype}");
                rejected.Add(name);
            }
            else if (assigned.TryGetValue(name, out var earlier))
            {
                if (!value.equal(earlier.Value).all().item<bool>())
                {
                    mismatched.Add($"{key} and {earlier.From} are the same tensor {name} but hold different values");
                    rejected.Add(name);
                }
            }
            else
            {
                assigned[name] = (key, value);
            }
        }
        var missing = target.Where(kv => !assigned.ContainsKey(kv.Key) && !rejected.Contains(kv.Key) && !optional(kv.Key))
            .Select(kv => $"{kv.Key} {Shape(kv.Value)}").ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add(Listing("missing", missing));
            if (unexpected.Count > 0) parts.Add(Listing("unexpected", unexpected));
            if (mismatched.Count > 0) parts.Add(Listing("mismatched", mismatched));
            throw new InvalidDataFileException(path, $"does not fit the {module.GetType().Name}; nothing was loaded. {string.Join("; ", parts)}");
        }
        using (no_grad())
        {
            foreach (var (name, (_, value)) in assigned) target[name].copy_(value);
        }
    }

    private static string Listing(string what, List<string> keys) =>
        $"{keys.Count} {what}: {string.Join(", ", keys.Take(ListedPerProblem))}{(keys.Count > ListedPerProblem ? ", ..." : "")}";

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
