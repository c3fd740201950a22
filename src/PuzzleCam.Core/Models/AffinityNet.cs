using PuzzleCam.Affinity;

namespace PuzzleCam.Models;

/// <summary>
/// The stage-4 AffinityNet: a frozen backbone (FixedBatchNorm, always in eval mode, outputs detached) whose five
/// stages feed 1x1-conv / GroupNorm edge branches; their maps, brought to stride 4, are fused into one edge logit
/// map. Affinities between pixel pairs are one minus the largest edge probability along the path joining them.
/// </summary>
public sealed class AffinityNet : BackboneNetwork<Tensor>
{
    private const long EdgeChannels = 32;
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Half = 0.5.ToScalar();

    // Field names are the reference's module names: TorchSharp registers fields under their names.
    private readonly nn.Module<Tensor, Tensor> fc_edge1, fc_edge2, fc_edge3, fc_edge4, fc_edge5, fc_edge6;
    private readonly int _pathGroups;

    /// <param name="backbone">The backbone; the reference always uses FixedBatchNorm here.</param>
    /// <param name="pathIndex">The pairs <see cref="ToAffinity"/> scores (registered as the buffers
    /// <c>path_indices_0</c>.. as in the reference); null for an edge-only network (random-walk inference).</param>
    public AffinityNet(ResidualNetwork backbone, PathIndex? pathIndex) : base(nameof(AffinityNet), backbone)
    {
        // The reference picks 64 or 128 by whether "50" is in the name, which only breaks ResNet-101/152; the
        // stem width is what it means.
        fc_edge1 = EdgeBranch(backbone.StageChannels(1), 1);
        fc_edge2 = EdgeBranch(backbone.StageChannels(2), 1);
        fc_edge3 = EdgeBranch(backbone.StageChannels(3), 2);
        fc_edge4 = EdgeBranch(backbone.StageChannels(4), 4);
        fc_edge5 = EdgeBranch(backbone.StageChannels(5), 4);
        fc_edge6 = nn.Conv2d(5 * EdgeChannels, 1, 1, bias: true);
        RegisterComponents();
        PathIndex = pathIndex;
        if (pathIndex is not null)
        {
            _pathGroups = pathIndex.Groups.Count;
            for (int g = 0; g < _pathGroups; g++)
            {
                var group = pathIndex.Groups[g];
                register_buffer(PathBufferName(g), torch.tensor(group.Indices, group.Shape(pathIndex.SourceCount)));
            }
        }
        backbone.eval();
    }

    /// <summary>The reference's <c>AffinityNet(architecture, path_index)</c> (FixedBatchNorm backbone).</summary>
    public static AffinityNet Create(string architecture, PathIndex? pathIndex) =>
        new(Backbones.Create(architecture, Normalization.BatchNorm(NormMode.Fix)), pathIndex);

    public PathIndex? PathIndex { get; }

    /// <summary>Edge branch <paramref name="index"/> (1..5 take stage 1..5; 6 is the fusing 1x1 convolution).</summary>
    public nn.Module<Tensor, Tensor> EdgeLayer(int index) => index switch
    {
        1 => fc_edge1,
        2 => fc_edge2,
        3 => fc_edge3,
        4 => fc_edge4,
        5 => fc_edge5,
        6 => fc_edge6,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "edge layers are numbered 1..6"),
    };

    /// <summary>backbone.i = stage(i+1) (a ModuleList over the stages); edge_layers.i = fc_edge(i+1).</summary>
    public override StateDictAliases Aliases { get; } = new(
        BackboneAliases.Rules
            .Concat(Enumerable.Range(0, 5).Select(i => ($"backbone.{i}.", $"stage{i + 1}.")))
            .Concat(Enumerable.Range(0, 6).Select(i => ($"edge_layers.{i}.", $"fc_edge{i + 1}."))));

    /// <summary>
    /// The parameters AffinityNet training optimises (the reference's single group, <c>edge_layers</c>): the edge
    /// branches and the fusing convolution; the backbone stays frozen.
    /// </summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> EdgeParameters() =>
        Enumerable.Range(1, 6).SelectMany(i => EdgeLayer(i).parameters()).ToList();

    /// <summary>The path-index buffers follow from the <see cref="PathIndex"/> given at construction.</summary>
    protected override bool IsDerivedState(string key) => key.StartsWith("path_indices_", StringComparison.Ordinal);

    /// <summary>The backbone stays in eval mode whatever the mode of the edge layers (it is frozen).</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        Backbone.eval();
    }

    /// <summary>Edge logits [B, 1, ceil(H/4), ceil(W/4)] (before the sigmoid).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var features = new Tensor[5];
        using (no_grad())
        {
            var y = x;
            for (int s = 1; s <= 5; s++) features[s - 1] = y = Stage(s, y);
        }
        var edges = new Tensor[5];
        for (int i = 0; i < 5; i++) edges[i] = EdgeLayer(i + 1).forward(features[i]);
        long h = edges[1].shape[2], w = edges[1].shape[3];
        // The upsampled deep branches can overshoot odd sizes by a pixel; the reference crops them to stage 2's size.
        for (int i = 2; i < 5; i++) edges[i] = edges[i].narrow(2, 0, h).narrow(3, 0, w);
        return fc_edge6.forward(cat(edges, 1)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The reference's <c>forward(x, with_affinity=True)</c>: edge logits and the affinities of their sigmoid.</summary>
    public (Tensor Edge, Tensor Affinity) ForwardWithAffinity(Tensor x)
    {
        using var scope = NewDisposeScope();
        var edge = forward(x);
        var affinity = ToAffinity(edge.sigmoid());
        return (edge.MoveToOuterDisposeScope(), affinity.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Affinities [B, directions, sources] from edge probabilities [B, 1, H, W] laid out as the path index's map:
    /// per pair, one minus the largest edge probability on its path (both ends included).
    /// </summary>
    public Tensor ToAffinity(Tensor edgeProbability)
    {
        if (PathIndex is null) throw new InvalidOperationException("this AffinityNet was built without a path index");
        using var scope = NewDisposeScope();
        var flat = edgeProbability.view(edgeProbability.shape[0], -1);
        var parts = new Tensor[_pathGroups];
        for (int g = 0; g < _pathGroups; g++)
        {
            var indices = get_buffer(PathBufferName(g))!;
            var along = flat.index_select(-1, indices.view(-1)).view(flat.shape[0], indices.shape[0], indices.shape[1], indices.shape[2]);
            parts[g] = along.amax([2]).neg().add(One, One);
        }
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference's <c>get_edge</c> for random-walk inference: <paramref name="images"/> is [image, its horizontal
    /// flip] (2 x 3 x H x W); both are zero-padded right and bottom to <paramref name="imageSize"/>², and the two edge
    /// maps (the flipped one flipped back) are averaged in logit space, then a sigmoid. Returns
    /// [1, ceil(H/stride), ceil(W/stride)]. The reference fails on a side longer than imageSize; here such a side is
    /// padded to the next multiple of <see cref="EdgePadMultiple"/> instead, which keeps every backbone stride aligned
    /// with the image, and leaves sides up to imageSize exactly as the reference pads them.
    /// </summary>
    public Tensor GetEdge(Tensor images, int imageSize = 512, int stride = 4)
    {
        if (images.dim() != 4 || images.shape[0] != 2)
            throw new ArgumentException($"expected [image, flipped image] as 2x3xHxW, got [{string.Join(", ", images.shape)}]", nameof(images));
        long height = images.shape[2], width = images.shape[3];
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(images, [0, EdgeCanvasSide(width, imageSize) - width, 0, EdgeCanvasSide(height, imageSize) - height]);
        var edge = forward(padded).narrow(2, 0, (height - 1) / stride + 1).narrow(3, 0, (width - 1) / stride + 1);
        return edge[0].add(edge[1].flip(-1), One).mul(Half).sigmoid().MoveToOuterDisposeScope();
    }

    /// <summary>The backbone's output stride: a padded side that is a multiple of it keeps every feature map aligned with the image.</summary>
    public const int EdgePadMultiple = 16;

    /// <summary>The side <see cref="GetEdge"/> pads an image side of <paramref name="side"/> pixels to: imageSize, or the next multiple of 16 above it.</summary>
    public static long EdgeCanvasSide(long side, int imageSize = 512) =>
        Math.Max(imageSize, (side + EdgePadMultiple - 1) / EdgePadMultiple * EdgePadMultiple);

    private static string PathBufferName(int group) => $"path_indices_{group}";

    private static nn.Module<Tensor, Tensor> EdgeBranch(long inChannels, int upsample)
    {
        var conv = nn.Conv2d(inChannels, EdgeChannels, 1, bias: false);
        var norm = Normalization.CreateGroupNorm(Normalization.ReferenceGroups, EdgeChannels);
        return upsample == 1
            ? nn.Sequential(conv, norm, nn.ReLU())
            : nn.Sequential(conv, norm, nn.Upsample(scale_factor: [upsample, upsample], mode: UpsampleMode.Bilinear, align_corners: false), nn.ReLU());
    }
}
