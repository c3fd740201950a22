using System.Buffers.Binary;

namespace PuzzleCam.Models.Pretrained;

/// <summary>The four wire types of the protocol-buffers encoding that current schemas use.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Walks the fields of one protocol-buffers message held in memory. Length-delimited fields come back as slices of
/// the same buffer, so nested messages and large tensor payloads are read without copying. Malformed input raises
/// <see cref="FormatException"/>; callers add the file name.
/// </summary>
internal struct ProtoWireReader(ReadOnlyMemory<byte> message)
{
    private readonly ReadOnlyMemory<byte> _message = message;
    private int _position;

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next(out int field, out WireType wire)
    {
        if (_position >= _message.Length)
        {
            field = 0;
            wire = default;
            return false;
        }
        ulong key = ReadVarint();
        field = checked((int)(key >> 3));
        wire = (WireType)(key & 7);
        if (field == 0) throw new FormatException($"field number 0 at byte {_position}");
        return wire switch
        {
            WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32 => true,
            _ => throw new FormatException($"unsupported wire type {(int)wire} for field {field} at byte {_position}"),
        };
    }

    public ulong ReadVarint()
    {
        var span = _message.Span;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length) throw new FormatException("message ends inside a varint");
            byte b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException($"varint longer than ten bytes before byte {_position}");
    }

    /// <summary>An int64 field: the two's-complement varint read back as signed.</summary>
    public long ReadInt64() => unchecked((long)ReadVarint());

    public ReadOnlyMemory<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_message.Length - _position))
            throw new FormatException($"length {length} at byte {_position} runs past the end of the message");
        var slice = _message.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes().Span);

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.LengthDelimited: ReadBytes(); break;
            case WireType.Fixed32: Take(4); break;
        }
    }

    /// <summary>
    /// One element, or all elements of a packed run, of a repeated integer field: writers may emit either form for
    /// the same field.
    /// </summary>
    public void ReadInt64s(WireType wire, List<long> into)
    {
        if (wire == WireType.Varint)
        {
            into.Add(ReadInt64());
            return;
        }
        Expect(wire, WireType.LengthDelimited);
        var packed = new ProtoWireReader(ReadBytes());
        while (packed._position < packed._message.Length) into.Add(packed.ReadInt64());
    }

    /// <summary>One element, or a packed run, of a repeated float field.</summary>
    public void ReadFloats(WireType wire, List<float> into)
    {
        if (wire == WireType.Fixed32)
        {
            into.Add(ReadFloat());
            return;
        }
        Expect(wire, WireType.LengthDelimited);
        var packed = ReadBytes().Span;
        if (packed.Length % 4 != 0) throw new FormatException($"packed floats of {packed.Length} bytes");
        for (int i = 0; i < packed.Length; i += 4) into.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
    }

    public static void Expect(WireType actual, WireType expected)
    {
        if (actual != expected) throw new FormatException($"wire type {actual} where {expected} was expected");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_message.Length - _position < count) throw new FormatException($"message ends inside a {count}-byte field");
        var span = _message.Span.Slice(_position, count);
        _position += count;
        return span;
    }
}
