namespace PuzzleCam.Cli.CommandLine;

/// <summary>
/// A command's flags bound to its options record. Each flag is declared once: its reference name, its help, its range,
/// its default (read from the record's defaults, so the command line and a notebook that builds the record agree) and
/// the property it sets. <see cref="Read"/> makes the record from the defaults and the parsed values.
/// </summary>
/// <typeparam name="T">The options record.</typeparam>
internal sealed class OptionsBinder<T>(T defaults) where T : class
{
    private readonly List<Option> _flags = [];
    private readonly List<Func<T, ParseResult, T>> _setters = [];

    /// <summary>The record the flags start from: the stage's reference defaults, or a preset.</summary>
    public T Defaults { get; } = defaults;

    /// <summary>The flags, in the order declared (the order <c>--help</c> lists them).</summary>
    public IReadOnlyList<Option> Declared => _flags;

    /// <summary>A flag the record does not hold (read by the command itself, or accepted and unused).</summary>
    public Option<TValue> Add<TValue>(Option<TValue> flag)
    {
        _flags.Add(flag);
        return flag;
    }

    /// <summary>A flag whose parsed value <paramref name="set"/> puts into the record.</summary>
    public Option<TValue> Bind<TValue>(Option<TValue> flag, Func<T, TValue, T> set)
    {
        _flags.Add(flag);
        _setters.Add((options, r) => set(options, r.GetValue(flag)!));
        return flag;
    }

    /// <summary>An integer flag in [min, max] defaulting to the record's value.</summary>
    public Option<int> Int(string name, string help, Func<T, int> get, Func<T, int, T> set, int min, int max = int.MaxValue) =>
        Bind(CommandLine.Flags.Int(name, help, get(Defaults), min, max), set);

    /// <summary>A number flag in [min, max] defaulting to the record's value.</summary>
    public Option<double> Double(string name, string help, Func<T, double> get, Func<T, double, T> set, double min, double max) =>
        Bind(CommandLine.Flags.Double(name, help, get(Defaults), min, max), set);

    /// <summary>A text flag defaulting to the record's value.</summary>
    public Option<string> Text(string name, string help, Func<T, string> get, Func<T, string, T> set) =>
        Bind(CommandLine.Flags.Create(name, help, () => get(Defaults)), set);

    /// <summary>A text flag the command cannot run without.</summary>
    public Option<string> Required(string name, string help, Func<T, string, T> set) =>
        Bind(CommandLine.Flags.Create<string>(name, help, required: true), set);

    /// <summary>A text flag that is null unless given.</summary>
    public Option<string?> Optional(string name, string help, Func<T, string?, T> set) =>
        Bind(CommandLine.Flags.Create<string?>(name, help), set);

    /// <summary>A true/false flag defaulting to the record's value.</summary>
    public Option<bool> Switch(string name, string help, Func<T, bool> get, Func<T, bool, T> set) =>
        Bind(CommandLine.Flags.Create(name, help, () => get(Defaults)), set);

    /// <summary>
    /// A flag that takes one of a few words, each naming a value of the record (an enum): the words are declared once,
    /// here, and the parser refuses any other.
    /// </summary>
    public Option<string> Words<TValue>(string name, string help, Func<T, TValue> get, Func<T, TValue, T> set, IReadOnlyList<(string Word, TValue Value)> words)
    {
        var current = get(Defaults);
        var word = words.First(w => EqualityComparer<TValue>.Default.Equals(w.Value, current)).Word;
        var flag = CommandLine.Flags.Choice(name, help, word, [.. words.Select(w => w.Word)]);
        _flags.Add(flag);
        _setters.Add((options, r) =>
        {
            var given = r.GetValue(flag);
            return set(options, words.First(w => w.Word == given).Value);
        });
        return flag;
    }

    /// <summary>A flag like <see cref="Words"/> that is null unless given.</summary>
    public Option<string?> OptionalWords<TValue>(string name, string help, Func<T, TValue?, T> set, IReadOnlyList<(string Word, TValue Value)> words)
        where TValue : struct
    {
        var flag = CommandLine.Flags.OptionalChoice(name, help, [.. words.Select(w => w.Word)]);
        _flags.Add(flag);
        _setters.Add((options, r) => r.GetValue(flag) is { } given ? set(options, words.First(w => w.Word == given).Value) : set(options, null));
        return flag;
    }

    /// <summary>The record: the defaults with every bound flag's parsed value.</summary>
    public T Read(ParseResult r)
    {
        var options = Defaults;
        foreach (var set in _setters) options = set(options, r);
        return options;
    }

    /// <summary>A command holding every flag declared here.</summary>
    public Command Command(string name, string description)
    {
        var command = new Command(name, description);
        foreach (var flag in _flags) command.Add(flag);
        return command;
    }
}
