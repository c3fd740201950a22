namespace PuzzleCam.Models.Pretrained;

/// <summary>
/// Reads the companion graph that prepares images for the CNTK ResNet (ML.NET's <c>ResNetPreprocess.onnx</c>): it
/// takes RGB pixel values on the 0..255 scale, splits the channels, concatenates them as B, G, R and subtracts a
/// stored mean image. The wiring is checked, so the port's input conversion rests on what the file does.
/// </summary>
internal static class CntkPreprocessingGraph
{
    /// <summary>The stored mean image, [1, 3, H, W] in B, G, R order on the 0..255 scale.</summary>
    public static OnnxTensor ReadMeanImage(OnnxModel model)
    {
        var graph = model.Graph;
        if (graph.DataInputs.ToList() is not [var input] || input.Shape.Count != 4 || input.Shape[1] != 3)
            throw model.Invalid("expected one image input [N, 3, H, W]");
        if (graph.Nodes is not [var split, var concat, var subtract]
            || split.OpType != "Split" || concat.OpType != "Concat" || subtract.OpType != "Sub")
        {
            throw model.Invalid($"expected Split, Concat, Sub; found {string.Join(", ", graph.Nodes.Select(n => n.OpType))}");
        }
        if (split.Inputs is not [var splitInput] || splitInput != input.Name || split.Int("axis", 0) != 1 || split.Outputs.Count != 3
            || split.Ints("split", [1, 1, 1]) is var parts && !parts.SequenceEqual([1L, 1L, 1L]))
        {
            throw model.Invalid($"{split} does not split the input into its three channels");
        }
        if (concat.Int("axis", 0) != 1 || !concat.Inputs.SequenceEqual(split.Outputs.Reverse()))
            throw model.Invalid($"{concat} does not reverse the channel order");
        if (subtract.Inputs is not [var minuend, var subtrahend] || minuend != concat.Outputs[0]
            || !graph.Initializers.TryGetValue(subtrahend, out var mean))
        {
            throw model.Invalid($"{subtract} does not subtract a stored tensor from the reordered image");
        }
        if (mean.Dims is not [1, 3, var h, var w] || h != input.Shape[2] || w != input.Shape[3])
            throw model.Invalid($"mean image '{mean.Name}' has shape [{string.Join(", ", mean.Dims)}]; expected [1, 3, {input.Shape[2]}, {input.Shape[3]}]");
        if (graph.Outputs is not [var output] || output.Name != subtract.Outputs[0])
            throw model.Invalid("the graph's output is not the mean-subtracted image");
        return mean;
    }
}
