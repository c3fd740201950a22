namespace PuzzleCam.Models;

/// <summary>The reference's <c>initialize</c> helper for the layers it adds on top of the backbone.</summary>
internal static class HeadInit
{
    /// <summary>He-normal over fan-in with the ReLU gain, as PyTorch's <c>kaiming_normal_</c> defaults.</summary>
    public static void HeNormal(Tensor weight)
    {
        using (no_grad()) nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.ReLU);
    }
}
