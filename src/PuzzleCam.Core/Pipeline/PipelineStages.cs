namespace PuzzleCam.Pipeline;

/// <summary>
/// The switches of the driver's steps (<see cref="Reproduction.Steps"/>), in pipeline order; <c>puzzlecam reproduce
/// --stages</c> names each by its steps' <see cref="PipelineStep.Name"/>.
/// </summary>
[Flags]
public enum PipelineStages
{
    None = 0,

    /// <summary>Make the synthetic dataset when it is missing (synthetic preset), then read every file of the splits once.</summary>
    Data = 1,

    /// <summary>Stage 1: the baseline classifier and the Puzzle-CAM classifier.</summary>
    Classification = 2,

    /// <summary>
    /// Stage 2: multi-scale CAMs from both classifiers, the baseline's of the evaluation split, the Puzzle-CAM
    /// classifier's of the split refined into pseudo labels (which holds the evaluation split).
    /// </summary>
    Cams = 4,

    /// <summary>The CAM mIoU of both, with the threshold sweep, side by side.</summary>
    EvaluateCams = 8,

    /// <summary>Stage 3: affinity labels of the Puzzle-CAM CAMs.</summary>
    AffinityLabels = 16,

    /// <summary>Stage 4: AffinityNet trained on them.</summary>
    AffinityNet = 32,

    /// <summary>Stage 5: the random walk of the Puzzle-CAM CAMs, and its mIoU over the random-walk threshold sweep.</summary>
    RandomWalk = 64,

    /// <summary>Stage 6: the pseudo labels, and their mIoU.</summary>
    PseudoLabels = 128,

    /// <summary>
    /// Stage 2 on the validation split from the Puzzle-CAM classifier, and its mIoU: the CAM that the DeepLabv3+ rows,
    /// scored on the same split, compare with.
    /// </summary>
    ValCams = 256,

    /// <summary>Stage 7: DeepLabv3+ trained on the pseudo labels.</summary>
    Segmentation = 512,

    /// <summary>Stage 8 on the validation split, without and with the CRF, and the mIoU of both.</summary>
    SegmentationInference = 1024,

    /// <summary>Stages 1-6: the CAMs refined into pseudo labels, the part of the pipeline the paper's Table 3 scores.</summary>
    PseudoLabelPipeline = Data | Classification | Cams | EvaluateCams | AffinityLabels | AffinityNet | RandomWalk | PseudoLabels,

    /// <summary>Every stage, 1 to 8.</summary>
    All = PseudoLabelPipeline | ValCams | Segmentation | SegmentationInference,

    /// <summary>What <c>puzzlecam reproduce</c> runs unless told otherwise: the whole pipeline.</summary>
    Default = All,
}
