namespace PuzzleCam.Models.Pretrained;

/// <summary>Settings of the ImageNet ResNet-18 backbone built by <see cref="PretrainedResNet18"/>.</summary>
public sealed record PretrainedResNet18Options
{
    /// <summary>
    /// 16: layer4 runs at stride 1 (no dilation), as the reference does for its ResNet-50 (strides 1, 2, 2, 1 in
    /// layer1..4); 32: the strides the ImageNet network was trained and exported with.
    /// </summary>
    public int OutputStride { get; init; } = 16;

    /// <summary>How the network's mean is subtracted: per channel (any size) or the stored 224×224 mean image.</summary>
    public CntkMeanSubtraction Mean { get; init; } = CntkMeanSubtraction.ChannelMeans;

    /// <summary>Per-channel mean (R, G, B, on 0..1) the pipeline normalised its input with.</summary>
    public IReadOnlyList<double> InputMean { get; init; } = [0.485, 0.456, 0.406];

    /// <summary>Per-channel standard deviation (R, G, B, on 0..1) the pipeline normalised its input with.</summary>
    public IReadOnlyList<double> InputStd { get; init; } = [0.229, 0.224, 0.225];

    /// <summary>The <c>ResNet18.onnx</c> to read; null: <see cref="PretrainedResNet18.LocateModel()"/>.</summary>
    public string? ModelPath { get; init; }

    /// <summary>The <c>ResNetPreprocess.onnx</c> holding the mean image; null: found next to the model.</summary>
    public string? PreprocessingPath { get; init; }
}

/// <summary>
/// The backbone "resnet18": the ImageNet ResNet-18 that ML.NET ships as ONNX in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (a CNTK model: basic blocks, 2/2/2/3 per layer as its graph has them,
/// 512 channels), ported
/// to a <see cref="ResidualNetwork"/> with torchvision's module names and loaded offline from the copy the package
/// puts in the build output.
/// <para>
/// Input: like every backbone of the project, R, G, B normalised per channel with <see cref="PretrainedResNet18Options.InputMean"/>
/// and <see cref="PretrainedResNet18Options.InputStd"/>; the stem converts it to the B, G, R, 0..255, mean-subtracted
/// values the network was trained on (see <see cref="CntkInputConv2d"/>). Output: 512 channels at stride 16 (or 32).
/// Each stride-2 step maps n to ceil(n/2), as in the other backbones.
/// </para>
/// </summary>
public static class PretrainedResNet18
{
    /// <summary>Environment variable that points at another <c>ResNet18.onnx</c>.</summary>
    public const string ModelPathVariable = "PUZZLECAM_RESNET18_ONNX";

    /// <summary>Where the package's build props copy the model, relative to the application's base directory.</summary>
    public static string ModelRelativePath { get; } = Path.Combine("DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

    /// <summary>The preprocessing model's place in the package layout, relative to the model's folder.</summary>
    public static string PreprocessingRelativePath { get; } = Path.Combine("..", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    private const long StemChannels = 64;
    private const string PackageHint =
        "It comes with the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, whose build props copy DnnImageModels/ " +
        $"into the build output; set {ModelPathVariable} to the ResNet18.onnx of another copy.";

    /// <summary>The model file: <see cref="ModelPathVariable"/> when set, else under the application's base directory.</summary>
    public static string LocateModel() => LocateModel(Environment.GetEnvironmentVariable(ModelPathVariable), AppContext.BaseDirectory);

    internal static string LocateModel(string? overridePath, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return File.Exists(overridePath)
                ? Path.GetFullPath(overridePath)
                : throw new FileNotFoundException($"{ModelPathVariable} names {overridePath}, which does not exist.", overridePath);
        }
        var path = Path.Combine(baseDirectory, ModelRelativePath);
        return File.Exists(path) ? path : throw new FileNotFoundException($"ImageNet ResNet-18 model not found at {path}. {PackageHint}", path);
    }

    /// <summary>The preprocessing model that belongs to <paramref name="modelPath"/>: in the package layout, or beside it.</summary>
    public static string LocatePreprocessing(string modelPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        string[] candidates = [Path.GetFullPath(Path.Combine(folder, PreprocessingRelativePath)), Path.Combine(folder, "ResNetPreprocess.onnx")];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"the mean image of the ResNet-18 input (ResNetPreprocess.onnx) is in neither {candidates[0]} nor {candidates[1]}. {PackageHint}", candidates[0]);
    }

    /// <summary>Builds the backbone and loads the ImageNet weights; the norm layers come from <paramref name="norm"/>.</summary>
    public static ResidualNetwork Create(NormFactory norm, PretrainedResNet18Options? options = null) =>
        Create(Backbones.Find("resnet18"), norm, options ?? new());

    internal static ResidualNetwork Create(BackboneArchitecture architecture, NormFactory norm, PretrainedResNet18Options options)
    {
        Validate(options);
        string modelPath = options.ModelPath ?? LocateModel();
        var model = OnnxModel.Load(modelPath);
        var preprocessing = OnnxModel.Load(options.PreprocessingPath ?? LocatePreprocessing(modelPath));
        var weights = CntkResNetGraph.ReadWeights(model, architecture.Layers);
        var meanImage = CntkPreprocessingGraph.ReadMeanImage(preprocessing);

        var network = Build(architecture, norm, options, meanImage);
        try
        {
            Load(network, weights, model);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return network;
    }

    private static void Validate(PretrainedResNet18Options options)
    {
        if (options.OutputStride is not (16 or 32))
            throw new ArgumentException($"OutputStride must be 16 or 32, not {options.OutputStride}", nameof(options));
        if (options.InputMean.Count != 3 || options.InputStd.Count != 3 || options.InputStd.Any(s => !(s > 0)))
            throw new ArgumentException("InputMean and InputStd need three values each, with every std positive", nameof(options));
    }

    private static ResidualNetwork Build(BackboneArchitecture architecture, NormFactory norm, PretrainedResNet18Options options, OnnxTensor meanImage)
    {
        // The stored mean is B, G, R; the pipeline's channels are R, G, B.
        var bgr = meanImage.ToArray();
        int plane = checked((int)(meanImage.Dims[2] * meanImage.Dims[3]));
        var rgb = new float[bgr.Length];
        for (int c = 0; c < 3; c++) Array.Copy(bgr, (2 - c) * plane, rgb, c * plane, plane);
        var scale = new float[3];
        var shift = new float[3];
        for (int c = 0; c < 3; c++)
        {
            scale[c] = (float)(255 * options.InputStd[c]);
            double channelMean = options.Mean == CntkMeanSubtraction.ChannelMeans ? new ArraySegment<float>(rgb, c * plane, plane).Average(v => (double)v) : 0;
            shift[c] = (float)(255 * options.InputMean[c] - channelMean);
        }
        var stem = new CntkInputConv2d(StemChannels, 7, 2, scale, shift,
            options.Mean == CntkMeanSubtraction.MeanImage ? tensor(rgb, meanImage.Dims.ToArray()) : null);

        long inplanes = StemChannels;
        long[] planes = [64, 128, 256, 512];
        long[] strides = [1, 2, 2, options.OutputStride == 16 ? 1 : 2];
        var layers = new nn.Module<Tensor, Tensor>[4];
        for (int l = 0; l < 4; l++)
        {
            nn.Module<Tensor, Tensor>? downsample = null;
            if (strides[l] != 1 || inplanes != planes[l])
                downsample = nn.Sequential(nn.Conv2d(inplanes, planes[l], 1, stride: strides[l], bias: false), norm(planes[l]));
            var blocks = new List<nn.Module<Tensor, Tensor>> { new ResNetBasicBlock(inplanes, planes[l], strides[l], downsample, norm) };
            inplanes = planes[l];
            for (int b = 1; b < architecture.Layers[l]; b++) blocks.Add(new ResNetBasicBlock(inplanes, planes[l], 1, null, norm));
            layers[l] = nn.Sequential(blocks);
        }
        return new ResidualNetwork(architecture, stem, StemChannels, norm, layers, ResNetBasicBlock.Expansion);
    }

    private static void Load(ResidualNetwork network, IReadOnlyDictionary<string, OnnxTensor> weights, OnnxModel model)
    {
        var state = network.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, source) in weights)
        {
            if (!state.TryGetValue(key, out var target)) throw model.Invalid($"the port has no tensor '{key}'");
            if (!target.shape.SequenceEqual(source.Dims))
                throw model.Invalid($"'{key}' is [{string.Join(", ", source.Dims)}] in the file and [{string.Join(", ", target.shape)}] in the port");
            using var scope = NewDisposeScope();
            var value = source.ToTensor();
            // The network's first convolution reads B, G, R; the port feeds it R, G, B.
            if (key == "conv1.weight") value = value.flip(1);
            target.copy_(value);
        }
        var unfilled = state.Keys.Where(k => !weights.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        if (unfilled.Count > 0) throw model.Invalid($"the graph has no weights for {string.Join(", ", unfilled)}");
    }
}
