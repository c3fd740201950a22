namespace PuzzleCam.Data.Transforms;

/// <summary>A float image in the model's layout: channel-major CHW, row-major inside each channel.</summary>
public sealed class ChwImage
{
    public ChwImage(int channels, int height, int width, float[] data)
    {
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"bad image shape {channels}x{height}x{width}");
        if (data.Length != channels * height * width)
            throw new ArgumentException($"{channels}x{height}x{width} image needs {channels * height * width} floats, got {data.Length}", nameof(data));
        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    /// <summary>A zero-filled image (zero is the mean colour once normalised, the reference's crop padding).</summary>
    public ChwImage(int channels, int height, int width) : this(channels, height, width, new float[channels * height * width]) { }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Value of channel c at row y, column x is at <c>(c * Height + y) * Width + x</c>.</summary>
    public float[] Data { get; }

    public Span<float> Plane(int channel) => Data.AsSpan(channel * Height * Width, Height * Width);

    public Span<float> Row(int channel, int y) => Data.AsSpan((channel * Height + y) * Width, Width);
}
