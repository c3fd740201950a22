namespace PuzzleCam.Core.Tests.Models.Pretrained;

/// <summary>Hand-written protocol-buffers encodings, for feeding the ONNX reader and for editing model files in tests.</summary>
internal static class ProtoBytes
{
    public static byte[] Varint(int field, long value) => [.. Key(field, 0), .. RawVarint(unchecked((ulong)value))];

    public static byte[] Fixed32(int field, float value) => [.. Key(field, 5), .. BitConverter.GetBytes(value)];

    public static byte[] Bytes(int field, params byte[][] parts)
    {
        var payload = parts.SelectMany(p => p).ToArray();
        return [.. Key(field, 2), .. RawVarint((ulong)payload.Length), .. payload];
    }

    public static byte[] String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));

    public static byte[] PackedVarints(int field, params long[] values) =>
        Bytes(field, values.SelectMany(v => RawVarint(unchecked((ulong)v))).ToArray());

    public static byte[] PackedFloats(int field, params float[] values) =>
        Bytes(field, values.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>A ValueInfoProto for a float tensor of unspecified shape.</summary>
    public static byte[] FloatValueInfo(string name) => [.. String(1, name), .. Bytes(2, Bytes(1, Varint(1, 1)))];

    /// <summary>
    /// <paramref name="model"/> with <paramref name="value"/> added to its graph's outputs. A repeated occurrence of
    /// an embedded message field merges into the first, so appending a ModelProto that holds only this output is enough.
    /// </summary>
    public static byte[] WithExtraOutput(byte[] model, string value) => [.. model, .. Bytes(7, Bytes(12, FloatValueInfo(value)))];

    private static byte[] Key(int field, int wire) => RawVarint((ulong)((field << 3) | wire));

    private static byte[] RawVarint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
        return [.. bytes];
    }
}
