using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace PuzzleCam.Models;

/// <summary>A <c>module.name</c> reference in a pickle (a class or function).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A pickled dict, entries in insertion order (PyTorch state dicts are ordered).</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Entries { get; } = [];

    public void Set(object? key, object? value)
    {
        int i = Entries.FindIndex(e => Equals(e.Key, key));
        if (i >= 0) Entries[i] = new(key, value);
        else Entries.Add(new(key, value));
    }
}

/// <summary>
/// The subset of the Python pickle machine (protocols 2 to 4) that <c>torch.save</c> output uses. Object
/// construction (REDUCE) and persistent ids (tensor storages) are delegated to the caller, so nothing named in the
/// file is ever instantiated unless the caller knows it. Values: null, bool, long, BigInteger, double, string,
/// byte[], object?[] (tuple), List&lt;object?&gt;, <see cref="PickleDict"/>, <see cref="PickleGlobal"/>.
/// </summary>
internal sealed class PickleReader(
    Stream stream,
    Func<PickleGlobal, object?[], object?> reduce,
    Func<object?, object?> persistentLoad)
{
    private readonly BinaryReader _in = new(stream, Encoding.UTF8, leaveOpen: true);
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];

    /// <summary>Reads one pickle (up to its STOP) and returns the object it builds.</summary>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            int op = stream.ReadByte();
            switch (op)
            {
                case 0x80: _in.ReadByte(); break; // PROTO
                case 0x95: _in.ReadInt64(); break; // FRAME: a length hint only
                case '.': return Pop(); // STOP
                case '(': _marks.Push(_stack.Count); break;
                case ')': Push(Array.Empty<object?>()); break;
                case ']': Push(new List<object?>()); break;
                case '}': Push(new PickleDict()); break;
                case 't': Push(PopMark().ToArray()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case 'l': Push(PopMark()); break;
                case 'd': Push(ToDict(PopMark())); break;
                case 'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case 'J': Push((long)_in.ReadInt32()); break;
                case 'K': Push((long)_in.ReadByte()); break;
                case 'M': Push((long)_in.ReadUInt16()); break;
                case 0x8a: Push(ReadLong(_in.ReadByte())); break;
                case 0x8b: Push(ReadLong(_in.ReadInt32())); break;
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(_in.ReadBytes(8))); break;
                case 'X': Push(ReadString(_in.ReadUInt32())); break;
                case 0x8c: Push(ReadString(_in.ReadByte())); break;
                case 0x8d: Push(ReadString(checked((long)_in.ReadUInt64()))); break;
                case 'T': Push(ReadString(_in.ReadUInt32())); break;
                case 'U': Push(ReadString(_in.ReadByte())); break;
                case 'B': Push(ReadBytes(_in.ReadUInt32())); break;
                case 'C': Push(ReadBytes(_in.ReadByte())); break;
                case 'c': Push(new PickleGlobal(ReadLine(), ReadLine())); break;
                case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; Push(new PickleGlobal(module, name)); break; }
                case 'R':
                {
                    var args = Pop() as object?[] ?? throw new InvalidDataException("REDUCE without an argument tuple");
                    var function = Pop() as PickleGlobal ?? throw new InvalidDataException("REDUCE of something that is not a global");
                    Push(reduce(function, args));
                    break;
                }
                case 0x81: // NEWOBJ: cls.__new__(cls, *args)
                {
                    var args = Pop() as object?[] ?? throw new InvalidDataException("NEWOBJ without an argument tuple");
                    var type = Pop() as PickleGlobal ?? throw new InvalidDataException("NEWOBJ of something that is not a global");
                    Push(reduce(type, args));
                    break;
                }
                case 'b': // BUILD: only attribute state (OrderedDict._metadata) is met here; it is not needed.
                    Pop();
                    break;
                case 'Q': Push(persistentLoad(Pop())); break;
                case 'q': _memo[_in.ReadByte()] = Peek(); break;
                case 'r': _memo[_in.ReadUInt32()] = Peek(); break;
                case 0x94: _memo[_memo.Count] = Peek(); break;
                case 'h': Push(Memo(_in.ReadByte())); break;
                case 'j': Push(Memo(_in.ReadUInt32())); break;
                case 's': { var value = Pop(); var key = Pop(); AsDict(Peek()).Set(key, value); break; }
                case 'u':
                {
                    var items = PopMark();
                    var dict = AsDict(Peek());
                    for (int i = 0; i + 1 < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
                    break;
                }
                case 'a': { var value = Pop(); AsList(Peek()).Add(value); break; }
                case 'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; }
                case -1: throw new EndOfStreamException("pickle ends before STOP");
                default: throw new InvalidDataException($"unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new InvalidDataException("pickle stack underflow");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw new InvalidDataException("pickle MARK missing");
        int start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? Memo(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"pickle memo {index} is unset");

    private static PickleDict ToDict(List<object?> items)
    {
        var dict = new PickleDict();
        for (int i = 0; i + 1 < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
        return dict;
    }

    private static PickleDict AsDict(object? value) => value as PickleDict ?? throw new InvalidDataException("SETITEM on something that is not a dict");

    private static List<object?> AsList(object? value) => value as List<object?> ?? throw new InvalidDataException("APPEND on something that is not a list");

    /// <summary>Python's little-endian two's-complement long; small ones become <see cref="long"/>.</summary>
    private object ReadLong(int length)
    {
        var value = new BigInteger(_in.ReadBytes(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private string ReadString(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private byte[] ReadBytes(long length)
    {
        var bytes = _in.ReadBytes(checked((int)length));
        if (bytes.Length != length) throw new EndOfStreamException("pickle string runs past the end");
        return bytes;
    }

    private string ReadLine()
    {
        var builder = new StringBuilder();
        for (int b = _in.ReadByte(); b != '\n'; b = _in.ReadByte()) builder.Append((char)b);
        return builder.ToString();
    }
}
