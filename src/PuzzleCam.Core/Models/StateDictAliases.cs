namespace PuzzleCam.Models;

/// <summary>
/// The reference registers its backbone modules a second (and third) time under other names (<c>stage1.</c> ..
/// <c>stage5.</c>, <c>backbone.</c>, <c>edge_layers.</c>), so its checkpoints hold every such tensor under several
/// keys. We register each module once and describe the extra names as prefix rules: an alias key is rewritten
/// rule by rule until it names one of our own keys.
/// </summary>
public sealed class StateDictAliases
{
    private readonly IReadOnlyList<(string Alias, string Target)> _rules;

    public StateDictAliases(IEnumerable<(string Alias, string Target)> rules)
    {
        _rules = rules.ToList();
        foreach (var (alias, target) in _rules)
        {
            if (!alias.EndsWith('.') || !target.EndsWith('.'))
                throw new ArgumentException($"alias rule '{alias}' -> '{target}' must map whole module prefixes (ending in '.')", nameof(rules));
        }
    }

    public static StateDictAliases None { get; } = new([]);

    public IReadOnlyList<(string Alias, string Target)> Rules => _rules;

    /// <summary>The key <paramref name="key"/> names after all rules are applied (itself if it is no alias).</summary>
    public string Resolve(string key)
    {
        // Rules chain (backbone.0. -> stage1. -> model.conv1. ...); a bound keeps a cyclic rule set from looping.
        for (int step = 0; step <= _rules.Count; step++)
        {
            var rule = _rules.FirstOrDefault(r => key.StartsWith(r.Alias, StringComparison.Ordinal));
            if (rule.Alias is null) return key;
            key = rule.Target + key[rule.Alias.Length..];
        }
        throw new InvalidOperationException($"alias rules are cyclic at '{key}'");
    }

    /// <summary>True when <paramref name="key"/> is one of the extra names.</summary>
    public bool IsAlias(string key) => _rules.Any(r => key.StartsWith(r.Alias, StringComparison.Ordinal));

    /// <summary>Every alias key that resolves to <paramref name="key"/>.</summary>
    public IEnumerable<string> AliasesOf(string key)
    {
        var pending = new Queue<string>([key]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { key };
        while (pending.Count > 0)
        {
            var current = pending.Dequeue();
            foreach (var (alias, target) in _rules)
            {
                if (!current.StartsWith(target, StringComparison.Ordinal)) continue;
                var name = alias + current[target.Length..];
                if (seen.Add(name))
                {
                    pending.Enqueue(name);
                    yield return name;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="stateDict"/> with every alias key added, pointing at the same tensor: the key set the
    /// reference's <c>state_dict()</c> has, so a checkpoint saved from it loads strictly in PyTorch.
    /// </summary>
    public Dictionary<string, Tensor> Expand(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in stateDict)
        {
            result[key] = value;
            foreach (var alias in AliasesOf(key)) result[alias] = value;
        }
        return result;
    }
}
