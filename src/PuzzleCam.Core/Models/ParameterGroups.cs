using TorchSharp.Modules;

namespace PuzzleCam.Models;

/// <summary>
/// The reference's <c>get_parameter_groups</c>, split by parameter name: names containing "model"
/// belong to the ImageNet-initialised backbone, the rest to the layers trained from scratch; within each, names
/// containing "weight" (conv and norm scales alike) are weights, the rest biases (SplAt fc1/fc2 biases count as
/// backbone biases). The optimiser gives them lr x1 / x2 / x10 / x20 and weight decay wd / 0 / wd / 0.
/// </summary>
public sealed record ParameterGroups(
    IReadOnlyList<(string Name, Parameter Parameter)> PretrainedWeights,
    IReadOnlyList<(string Name, Parameter Parameter)> PretrainedBiases,
    IReadOnlyList<(string Name, Parameter Parameter)> ScratchWeights,
    IReadOnlyList<(string Name, Parameter Parameter)> ScratchBiases)
{
    /// <summary>Groups every parameter of <paramref name="network"/> (each once, under its own name).</summary>
    public static ParameterGroups Of(nn.Module network)
    {
        var groups = new List<(string, Parameter)>[4];
        for (int g = 0; g < 4; g++) groups[g] = [];
        foreach (var (name, parameter) in network.named_parameters())
        {
            // Substring tests as in the reference, so a head name containing "model" would count as backbone there too.
            int group = (name.Contains("model", StringComparison.Ordinal) ? 0 : 2) + (name.Contains("weight", StringComparison.Ordinal) ? 0 : 1);
            groups[group].Add((name, parameter));
        }
        return new ParameterGroups(groups[0], groups[1], groups[2], groups[3]);
    }

    /// <summary>
    /// The reference's optimizer groups for base rate <paramref name="lr"/> and weight decay <paramref name="wd"/>:
    /// pretrained weights lr, pretrained biases 2·lr, scratch weights 10·lr, scratch biases 20·lr; biases undecayed.
    /// </summary>
    public IReadOnlyList<ParameterGroup> WithReferenceRates(double lr, double wd) =>
    [
        new(PretrainedWeights.Select(p => p.Parameter).ToList(), lr, wd),
        new(PretrainedBiases.Select(p => p.Parameter).ToList(), 2 * lr, 0),
        new(ScratchWeights.Select(p => p.Parameter).ToList(), 10 * lr, wd),
        new(ScratchBiases.Select(p => p.Parameter).ToList(), 20 * lr, 0),
    ];

    /// <summary>The four groups in the reference's order (0 = pretrained weights .. 3 = scratch biases).</summary>
    public IReadOnlyList<IReadOnlyList<(string Name, Parameter Parameter)>> InReferenceOrder => [PretrainedWeights, PretrainedBiases, ScratchWeights, ScratchBiases];
}
