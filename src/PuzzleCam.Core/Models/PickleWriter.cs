using System.Text;

namespace PuzzleCam.Models;

/// <summary>
/// Emits the protocol-2 pickle of a PyTorch state dict (an OrderedDict of <c>_rebuild_tensor_v2</c> calls on
/// persistent storages), the <c>data.pkl</c> of the zip checkpoint format.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();

    public void BeginOrderedDict()
    {
        _out.Write([0x80, 2]);
        Global("collections", "OrderedDict");
        _out.WriteByte((byte)')');
        _out.WriteByte((byte)'R');
        _out.WriteByte((byte)'(');
    }

    public void Tensor(string key, string storageType, string storageKey, long[] shape)
    {
        String(key);
        Global("torch._utils", "_rebuild_tensor_v2");
        _out.WriteByte((byte)'(');
        // Persistent id: ('storage', torch.<Type>Storage, key, 'cpu', numel).
        _out.WriteByte((byte)'(');
        String("storage");
        Global("torch", storageType);
        String(storageKey);
        String("cpu");
        Int(shape.Aggregate(1L, (a, b) => a * b));
        _out.WriteByte((byte)'t');
        _out.WriteByte((byte)'Q');
        Int(0);
        Tuple(shape);
        var strides = new long[shape.Length];
        long stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        Tuple(strides);
        _out.WriteByte(0x89);
        Global("collections", "OrderedDict");
        _out.WriteByte((byte)')');
        _out.WriteByte((byte)'R');
        _out.WriteByte((byte)'t');
        _out.WriteByte((byte)'R');
    }

    public void EndOrderedDict()
    {
        _out.WriteByte((byte)'u');
        _out.WriteByte((byte)'.');
    }

    public byte[] ToArray() => _out.ToArray();

    private void Global(string module, string name) => _out.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    private void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        _out.WriteByte((byte)'X');
        _out.Write(BitConverter.GetBytes((uint)bytes.Length));
        _out.Write(bytes);
    }

    private void Int(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            _out.WriteByte((byte)'J');
            _out.Write(BitConverter.GetBytes((int)value));
        }
        else
        {
            _out.WriteByte(0x8a);
            _out.WriteByte(8);
            _out.Write(BitConverter.GetBytes(value));
        }
    }

    private void Tuple(long[] values)
    {
        _out.WriteByte((byte)'(');
        foreach (var v in values) Int(v);
        _out.WriteByte((byte)'t');
    }
}
