namespace PuzzleCam.RandomWalk;

/// <summary>How the random walk applies the transition matrix T^(2^exp_times).</summary>
public enum RandomWalkMode
{
    /// <summary>
    /// 2^exp_times products with the sparse T (each pixel talks to at most 69 neighbours within the radius), as a
    /// per-pixel, per-offset weight stencil. The same result as <see cref="Dense"/> in exact arithmetic, in
    /// O(K · hw · 2^exp_times) time and O(hw) memory.
    /// </summary>
    Sparse,

    /// <summary>
    /// The reference's algorithm: the dense (hw)×(hw) transition matrix squared exp_times times, then one product.
    /// O((hw)³ · exp_times) time and (hw)² floats: seconds for a 250×188 image, minutes and 0.5 GB for 500×375.
    /// </summary>
    Dense,
}

/// <summary>Settings of <c>inference_rw.py</c>'s propagation (<c>propagate_to_edge</c>). Defaults are the reference's.</summary>
public sealed record RandomWalkOptions
{
    /// <summary>Largest <see cref="ExpTimes"/> accepted: the sparse walk takes 2^exp_times steps.</summary>
    public const int MaxExpTimes = 16;

    /// <summary><c>--beta</c>: affinities are raised to this power before normalisation (sharper walks for larger values).</summary>
    public int Beta { get; init; } = 10;

    /// <summary><c>--exp_times</c>: the walk takes 2^exp_times steps (T squared exp_times times).</summary>
    public int ExpTimes { get; init; } = 8;

    /// <summary>
    /// Neighbourhood radius of the transition matrix (pairs with dx² + dy² &lt; radius²); the reference fixes 5.
    /// </summary>
    public int Radius { get; init; } = 5;

    /// <summary>The reference's edge canvas: <c>get_edge</c> pads every image to 512×512 before AffinityNet's forward.</summary>
    public const int ReferenceEdgeCanvas = 512;

    /// <summary>
    /// <c>--edge_canvas</c>: the side AffinityNet's input is zero-padded to before the edge map is computed; an image
    /// larger than it is padded to the next multiple of 16 instead. The reference's 512 makes a 128-px image pay for a
    /// 512-px forward (16 times the pixels). The network sees the zero padding, so another canvas gives somewhat
    /// different edges, most of all near the image's borders; the edge map keeps the image's own stride-4 grid.
    /// </summary>
    public int EdgeCanvas { get; init; } = ReferenceEdgeCanvas;

    /// <summary><c>--propagation</c>: sparse (default, fast) or dense (the reference's matrix powers, for checking).</summary>
    public RandomWalkMode Mode { get; init; } = RandomWalkMode.Sparse;

    /// <summary>Throws <see cref="BadInputException"/> naming the flag of the first bad value.</summary>
    public void Validate()
    {
        if (Beta < 1) throw new BadInputException($"--beta must be at least 1, got {Beta}");
        if (ExpTimes < 0 || ExpTimes > MaxExpTimes)
            throw new BadInputException($"--exp_times must be in 0..{MaxExpTimes}, got {ExpTimes}");
        if (Radius < 2) throw new ArgumentException($"the random-walk radius must be at least 2, got {Radius}", "--radius");
        if (EdgeCanvas is < 16 or > 8192) throw new BadInputException($"--edge_canvas must be in 16..8192, got {EdgeCanvas}");
        if (!Enum.IsDefined(Mode)) throw new BadInputException($"--propagation must be sparse or dense, got {Mode}");
    }
}
