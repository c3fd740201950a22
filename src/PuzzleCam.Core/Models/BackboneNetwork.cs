namespace PuzzleCam.Models;

/// <summary>A network whose weights are saved and loaded as the reference's checkpoint files.</summary>
public interface IReferenceCheckpoint
{
    /// <summary>Loads a checkpoint of this network; strict, all-or-nothing.</summary>
    void LoadCheckpoint(string path);

    /// <summary>Saves the weights in the zip format PyTorch loads, with the reference's key names.</summary>
    void SaveCheckpoint(string path);
}

/// <summary>
/// Base of the three networks (the reference's <c>Backbone</c>): owns the backbone as sub-module <c>model</c> and
/// runs its five stages; knows the reference's alias key names of its checkpoints.
/// </summary>
public abstract class BackboneNetwork<TResult> : nn.Module<Tensor, TResult>, IReferenceCheckpoint
{
    // The reference's module name: TorchSharp registers fields under their names.
    private readonly ResidualNetwork model;

    protected BackboneNetwork(string name, ResidualNetwork model) : base(name)
    {
        this.model = model;
        register_module(nameof(model), model);
    }

    /// <summary>The backbone (key prefix <c>model.</c>); ImageNet weights load into it.</summary>
    public ResidualNetwork Backbone => model;

    /// <summary>The extra key names of this network's reference checkpoints.</summary>
    public virtual StateDictAliases Aliases => BackboneAliases;

    /// <summary>stage1 = Sequential(conv1, bn1, relu, maxpool); stage2..5 = Sequential(layer1..4).</summary>
    public static StateDictAliases BackboneAliases { get; } = new(
    [
        ("stage1.0.", "model.conv1."),
        ("stage1.1.", "model.bn1."),
        ("stage2.0.", "model.layer1."),
        ("stage3.0.", "model.layer2."),
        ("stage4.0.", "model.layer3."),
        ("stage5.0.", "model.layer4."),
    ]);

    /// <summary>Runs backbone stage <paramref name="stage"/> (1..5).</summary>
    public Tensor Stage(int stage, Tensor x)
    {
        // The heads' convolutions get the backbone's channels-last layout too: a head conv with NCHW weights on a
        // channels-last input converts its weight forward and its gradient back every step (DeepLabv3+'s decoder
        // ran 25 % slower that way). The heads are registered after the backbone, so the last 4-D parameter shows it.
        if (stage == 1 && x.device_type == DeviceType.CPU)
        {
            lastConvWeight ??= parameters().LastOrDefault(p => p.dim() == 4);
            if (lastConvWeight is not null && !ChannelsLast.IsChannelsLast(lastConvWeight)) ChannelsLast.ConvertWeights(this);
        }
        return model.Stage(stage, x);
    }

    private Tensor? lastConvWeight;

    /// <summary>The state dict with the reference's alias keys added (what a reference checkpoint holds).</summary>
    public Dictionary<string, Tensor> ReferenceStateDict() => Aliases.Expand(state_dict());

    /// <summary>
    /// Loads a checkpoint of this network (the reference's <c>experiments/models/{tag}.pth</c>, with or without
    /// its alias keys, or one saved by <see cref="SaveCheckpoint"/>); strict, all-or-nothing.
    /// </summary>
    public void LoadCheckpoint(string path) => CheckpointLoader.Load(this, path, Aliases, IsDerivedState);

    /// <summary>Saves the state dict with the reference's alias keys, in the zip format PyTorch loads.</summary>
    public void SaveCheckpoint(string path) => TorchCheckpoint.Write(path, ReferenceStateDict());

    /// <summary>State the network rebuilds itself, so a checkpoint may carry it or not.</summary>
    protected virtual bool IsDerivedState(string key) => false;
}
