namespace PuzzleCam.Training;

/// <summary>The loss terms of the steps since the last log point, averaged as the reference logs them.</summary>
public sealed class TermAverages(IReadOnlyList<string> names)
{
    private readonly double[] _sums = new double[names.Count];
    private int _count;

    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>Adds one step's terms, in the order of <see cref="Names"/>.</summary>
    public void Add(ReadOnlySpan<double> terms)
    {
        if (terms.Length != _sums.Length) throw new ArgumentException($"{terms.Length} terms for {_sums.Length} names", nameof(terms));
        for (int t = 0; t < _sums.Length; t++) _sums[t] += terms[t];
        _count++;
    }

    /// <summary>Writes the averages into <paramref name="values"/> under their names and starts over.</summary>
    public void Flush(IDictionary<string, double> values)
    {
        for (int t = 0; t < _sums.Length; t++) values[Names[t]] = _count == 0 ? double.NaN : _sums[t] / _count;
        Array.Clear(_sums);
        _count = 0;
    }
}
