namespace PuzzleCam.Models.Pretrained;

/// <summary>
/// Recovers the torchvision-named weights of a CNTK ResNet with basic blocks from its ONNX graph. The initialisers
/// carry CNTK's numbered names (Parameter91, Constant98, ...), so each tensor is named by where it sits in the
/// wiring: the stem (Conv, BatchNormalization, Relu, MaxPool) and then residual blocks, each Conv → BN → Relu →
/// Conv → BN → Add → Relu with the shortcut either the block input or a 1×1 Conv → BN of it. A block with a
/// projection shortcut opens a new layer.
/// <para>
/// The graph's geometry is checked against the port's while walking, with the spatial sizes of the graph's declared
/// input: every window must start at -k/2 and give as many outputs as a k/2 padding on both sides would. CNTK pads
/// a stride-2 window of even extent by k/2 before and one less after (Conv pads 3,3,2,2; MaxPool 1,1,0,0); the last
/// window never reaches the extra row of symmetric padding, so PyTorch's symmetric padding gives the same numbers.
/// </para>
/// </summary>
internal static class CntkResNetGraph
{
    private const double BatchNormEpsilon = 1e-5;

    private sealed record Block(OnnxNode Conv1, OnnxNode Norm1, OnnxNode Conv2, OnnxNode Norm2, OnnxNode? ShortcutConv, OnnxNode? ShortcutNorm);

    /// <summary>
    /// The weights by state-dict key (<c>conv1.weight</c>, <c>bn1.running_var</c>,
    /// <c>layer2.0.downsample.1.weight</c>, ...), for the original strides (2 in the stem, the max-pool and the
    /// first blocks of layer2..4).
    /// </summary>
    public static Dictionary<string, OnnxTensor> ReadWeights(OnnxModel model, IReadOnlyList<int> blocksPerLayer)
    {
        var graph = new Wiring(model);
        var input = model.Graph.DataInputs.ToList() switch
        {
            [var only] when only.Shape.Count == 4 && only.Shape[1] == 3 && only.Shape[2] > 0 && only.Shape[3] > 0 => only,
            var inputs => throw model.Invalid(
                $"expected one image input [N, 3, H, W] with known H and W, found {string.Join(", ", inputs.Select(i => $"{i.Name} [{string.Join(", ", i.Shape)}]"))}"),
        };
        var weights = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var size = (H: input.Shape[2], W: input.Shape[3]);

        var stem = graph.Consumer(input.Name, "Conv");
        size = CheckWindow(model, stem, kernel: 7, stride: 2, size);
        AddConv(graph, weights, "conv1", stem);
        var stemNorm = graph.Consumer(stem.Outputs[0], "BatchNormalization");
        AddNorm(graph, weights, "bn1", stemNorm);
        var pool = graph.Consumer(graph.Consumer(stemNorm.Outputs[0], "Relu").Outputs[0], "MaxPool");
        if (pool.Int("ceil_mode", 0) != 0) throw model.Invalid($"{pool} rounds up; the port's max-pool rounds down");
        size = CheckWindow(model, pool, kernel: 3, stride: 2, size);

        var blocks = WalkBlocks(graph, pool.Outputs[0]);
        var layerOf = new int[blocks.Count];
        for (int b = 1; b < blocks.Count; b++) layerOf[b] = layerOf[b - 1] + (blocks[b].ShortcutConv is null ? 0 : 1);
        var found = Enumerable.Range(0, layerOf.Length == 0 ? 0 : layerOf[^1] + 1).Select(l => layerOf.Count(x => x == l)).ToList();
        if (!found.SequenceEqual(blocksPerLayer))
            throw model.Invalid($"the graph has [{string.Join(", ", found)}] residual blocks per layer; the architecture has [{string.Join(", ", blocksPerLayer)}]");

        for (int b = 0, first = 0; b < blocks.Count; b++)
        {
            if (b > 0 && layerOf[b] != layerOf[b - 1]) first = b;
            var block = blocks[b];
            string prefix = $"layer{layerOf[b] + 1}.{b - first}.";
            int stride = layerOf[b] > 0 && b == first ? 2 : 1;
            var inner = CheckWindow(model, block.Conv1, kernel: 3, stride, size);
            CheckWindow(model, block.Conv2, kernel: 3, stride: 1, inner);
            AddConv(graph, weights, prefix + "conv1", block.Conv1);
            AddNorm(graph, weights, prefix + "bn1", block.Norm1);
            AddConv(graph, weights, prefix + "conv2", block.Conv2);
            AddNorm(graph, weights, prefix + "bn2", block.Norm2);
            if (block.ShortcutConv is not null)
            {
                if (CheckWindow(model, block.ShortcutConv, kernel: 1, stride, size) != inner)
                    throw model.Invalid($"{block.ShortcutConv} and {block.Conv1} give different sizes");
                AddConv(graph, weights, prefix + "downsample.0", block.ShortcutConv);
                AddNorm(graph, weights, prefix + "downsample.1", block.ShortcutNorm!);
            }
            size = inner;
        }
        return weights;
    }

    private static List<Block> WalkBlocks(Wiring graph, string x)
    {
        var blocks = new List<Block>();
        while (true)
        {
            var convs = graph.Consumers(x, "Conv");
            if (convs.Count == 0) return blocks;
            OnnxNode main;
            OnnxNode? shortcut;
            switch (convs)
            {
                case [var only]:
                    (main, shortcut) = (only, null);
                    break;
                case [var a, var b]:
                    // The projection is the 1×1 one.
                    (main, shortcut) = Kernel(a) == 1 ? (b, a) : (a, b);
                    break;
                default:
                    throw graph.Model.Invalid($"'{x}' feeds {convs.Count} convolutions; a residual block has one or two");
            }
            var norm1 = graph.Consumer(main.Outputs[0], "BatchNormalization");
            var conv2 = graph.Consumer(graph.Consumer(norm1.Outputs[0], "Relu").Outputs[0], "Conv");
            var norm2 = graph.Consumer(conv2.Outputs[0], "BatchNormalization");
            var add = graph.Consumer(norm2.Outputs[0], "Add");
            var shortcutNorm = shortcut is null ? null : graph.Consumer(shortcut.Outputs[0], "BatchNormalization");
            string expectedShortcut = shortcutNorm?.Outputs[0] ?? x;
            if (add.Inputs.Count != 2 || !add.Inputs.Contains(expectedShortcut))
                throw graph.Model.Invalid($"{add} does not add the shortcut '{expectedShortcut}' to the residual branch");
            blocks.Add(new Block(main, norm1, conv2, norm2, shortcut, shortcutNorm));
            x = graph.Consumer(add.Outputs[0], "Relu").Outputs[0];
        }
    }

    private static long Kernel(OnnxNode conv) => conv.Ints("kernel_shape", []) is [var k, ..] ? k : 0;

    /// <summary>
    /// Checks a square window of size <paramref name="kernel"/> and <paramref name="stride"/> on both axes against
    /// the port's centred padding of kernel/2; returns the output size.
    /// </summary>
    private static (long H, long W) CheckWindow(OnnxModel model, OnnxNode node, int kernel, int stride, (long H, long W) size)
    {
        var kernelShape = node.Ints("kernel_shape", []);
        var strides = node.Ints("strides", [1, 1]);
        var dilations = node.Ints("dilations", [1, 1]);
        var pads = node.Ints("pads", [0, 0, 0, 0]);
        if (node.Attributes.TryGetValue("auto_pad", out var autoPad) && autoPad.String is not ("" or "NOTSET"))
            throw model.Invalid($"{node} uses auto_pad {autoPad.String}; explicit pads are expected");
        if (!kernelShape.SequenceEqual([kernel, kernel]) || !strides.SequenceEqual([stride, stride]) || !dilations.SequenceEqual([1L, 1L])
            || node.Int("group", 1) != 1 || pads.Count != 4)
        {
            throw model.Invalid($"{node} has kernel [{string.Join(", ", kernelShape)}], strides [{string.Join(", ", strides)}], " +
                $"dilations [{string.Join(", ", dilations)}], group {node.Int("group", 1)}; the port expects a {kernel}×{kernel} window with stride {stride}");
        }
        return (Axis(0, size.H), Axis(1, size.W));

        long Axis(int axis, long extent)
        {
            long half = kernel / 2, before = pads[axis], after = pads[axis + 2];
            long outputs = (extent + before + after - kernel) / stride + 1;
            if (before != half || after > half || outputs != (extent + 2 * half - kernel) / stride + 1)
                throw model.Invalid($"{node} pads {before} before and {after} after an extent of {extent}, which the port's padding of {half} does not reproduce");
            return outputs;
        }
    }

    private static void AddConv(Wiring graph, Dictionary<string, OnnxTensor> weights, string prefix, OnnxNode conv)
    {
        if (conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0) throw graph.Model.Invalid($"{conv} has a bias; the port's convolutions have none");
        weights[prefix + ".weight"] = graph.Initializer(conv, 1);
    }

    private static void AddNorm(Wiring graph, Dictionary<string, OnnxTensor> weights, string prefix, OnnxNode norm)
    {
        if (norm.Int("spatial", 1) != 1) throw graph.Model.Invalid($"{norm} normalises per position; the port normalises per channel");
        float epsilon = norm.Float("epsilon", 1e-5f);
        if (Math.Abs(epsilon - BatchNormEpsilon) > 1e-9)
            throw graph.Model.Invalid($"{norm} has epsilon {epsilon}; the port's batch norms use {BatchNormEpsilon}");
        weights[prefix + ".weight"] = graph.Initializer(norm, 1);
        weights[prefix + ".bias"] = graph.Initializer(norm, 2);
        weights[prefix + ".running_mean"] = graph.Initializer(norm, 3);
        weights[prefix + ".running_var"] = graph.Initializer(norm, 4);
    }

    /// <summary>Who reads each value of the graph.</summary>
    private sealed class Wiring
    {
        private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);

        public Wiring(OnnxModel model)
        {
            Model = model;
            foreach (var node in model.Graph.Nodes)
            {
                foreach (var input in node.Inputs.Where(i => i.Length > 0).Distinct())
                {
                    if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                    list.Add(node);
                }
            }
        }

        public OnnxModel Model { get; }

        public List<OnnxNode> Consumers(string value, string opType) =>
            _consumers.TryGetValue(value, out var list) ? list.Where(n => n.OpType == opType).ToList() : [];

        /// <summary>The one <paramref name="opType"/> node that reads <paramref name="value"/>.</summary>
        public OnnxNode Consumer(string value, string opType) => Consumers(value, opType) switch
        {
            [var only] => only,
            var nodes => throw Model.Invalid($"'{value}' is read by {nodes.Count} {opType} nodes where the ResNet wiring has one"),
        };

        public OnnxTensor Initializer(OnnxNode node, int input) =>
            input < node.Inputs.Count && Model.Graph.Initializers.TryGetValue(node.Inputs[input], out var tensor)
                ? tensor
                : throw Model.Invalid($"input {input} of {node} is not a stored tensor");
    }
}
