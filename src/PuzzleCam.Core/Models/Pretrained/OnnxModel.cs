using System.Runtime.InteropServices;

namespace PuzzleCam.Models.Pretrained;

/// <summary>
/// The parts of an ONNX model (<c>onnx.proto</c>: ModelProto → GraphProto → NodeProto, AttributeProto, TensorProto,
/// ValueInfoProto) needed to lift a network's weights and check its wiring, read straight from the protocol-buffers
/// wire format. Tensors of type float with <c>raw_data</c> or <c>float_data</c> are supported; other element
/// types and external data are refused when read.
/// </summary>
public sealed class OnnxModel
{
    private OnnxModel(string path, string producer, OnnxGraph graph)
    {
        Path = path;
        Producer = producer;
        Graph = graph;
    }

    /// <summary>The file the model was read from (used in error messages).</summary>
    public string Path { get; }

    /// <summary>The tool that wrote the file (<c>producer_name</c>), e.g. "CNTK".</summary>
    public string Producer { get; }

    public OnnxGraph Graph { get; }

    /// <summary>Reads <paramref name="path"/>; a missing file raises <see cref="FileNotFoundException"/>.</summary>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model not found: {path}", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a serialised ModelProto; <paramref name="path"/> names it in errors.</summary>
    public static OnnxModel Parse(byte[] bytes, string path)
    {
        try
        {
            string producer = "";
            OnnxGraph? graph = null;
            var reader = new ProtoWireReader(bytes);
            while (reader.Next(out int field, out var wire))
            {
                switch (field, wire)
                {
                    case (2, WireType.LengthDelimited): producer = reader.ReadString(); break;
                    case (7, WireType.LengthDelimited): graph = OnnxGraph.Parse(reader.ReadBytes()); break;
                    default: reader.Skip(wire); break;
                }
            }
            return new OnnxModel(path, producer, graph ?? throw new FormatException("the model has no graph"));
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidDataFileException(path, $"not a readable ONNX model: {e.Message}", e);
        }
    }

    /// <summary>An <see cref="InvalidDataFileException"/> about this model's content.</summary>
    public InvalidDataFileException Invalid(string reason) => new(Path, reason);
}

/// <summary>A graph: its nodes in file (topological) order, its initialisers by name, and its declared inputs and outputs.</summary>
public sealed class OnnxGraph
{
    private OnnxGraph(string name, IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, OnnxTensor> initializers,
        IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        Name = name;
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes { get; }
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Declared inputs; before IR version 4 these may list the initialisers too.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>The inputs a caller has to feed: those without an initialiser.</summary>
    public IEnumerable<OnnxValueInfo> DataInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name));

    internal static OnnxGraph Parse(ReadOnlyMemory<byte> message)
    {
        string name = "";
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): nodes.Add(OnnxNode.Parse(reader.ReadBytes())); break;
                case (2, WireType.LengthDelimited): name = reader.ReadString(); break;
                case (5, WireType.LengthDelimited):
                    var tensor = OnnxTensor.Parse(reader.ReadBytes());
                    if (!initializers.TryAdd(tensor.Name, tensor)) throw new FormatException($"initialiser '{tensor.Name}' appears twice");
                    break;
                case (11, WireType.LengthDelimited): inputs.Add(OnnxValueInfo.Parse(reader.ReadBytes())); break;
                case (12, WireType.LengthDelimited): outputs.Add(OnnxValueInfo.Parse(reader.ReadBytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }
}

/// <summary>One operator application.</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>An integer-list attribute, or <paramref name="fallback"/> (the operator's default) when absent.</summary>
    public IReadOnlyList<long> Ints(string attribute, IReadOnlyList<long> fallback) =>
        Attributes.TryGetValue(attribute, out var a) ? a.Ints : fallback;

    public long Int(string attribute, long fallback) => Attributes.TryGetValue(attribute, out var a) ? a.Int : fallback;

    public float Float(string attribute, float fallback) => Attributes.TryGetValue(attribute, out var a) ? a.Float : fallback;

    /// <summary>"Conv 'Convolution249'": how error messages name a node.</summary>
    public override string ToString() => $"{OpType} '{Name}'";

    internal static OnnxNode Parse(ReadOnlyMemory<byte> message)
    {
        string name = "", op = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): inputs.Add(reader.ReadString()); break;
                case (2, WireType.LengthDelimited): outputs.Add(reader.ReadString()); break;
                case (3, WireType.LengthDelimited): name = reader.ReadString(); break;
                case (4, WireType.LengthDelimited): op = reader.ReadString(); break;
                case (5, WireType.LengthDelimited):
                    var attribute = OnnxAttribute.Parse(reader.ReadBytes());
                    attributes[attribute.Name] = attribute;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, op, inputs, outputs, attributes);
    }
}

/// <summary>A node attribute; only the scalar and list kinds that operators of plain CNNs use are kept.</summary>
public sealed record OnnxAttribute(string Name, float Float, long Int, string String, IReadOnlyList<float> Floats, IReadOnlyList<long> Ints)
{
    internal static OnnxAttribute Parse(ReadOnlyMemory<byte> message)
    {
        string name = "", text = "";
        float f = 0;
        long i = 0;
        var floats = new List<float>();
        var ints = new List<long>();
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): name = reader.ReadString(); break;
                case (2, WireType.Fixed32): f = reader.ReadFloat(); break;
                case (3, WireType.Varint): i = reader.ReadInt64(); break;
                case (4, WireType.LengthDelimited): text = reader.ReadString(); break;
                case (7, WireType.Fixed32 or WireType.LengthDelimited): reader.ReadFloats(wire, floats); break;
                case (8, WireType.Varint or WireType.LengthDelimited): reader.ReadInt64s(wire, ints); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, f, i, text, floats, ints);
    }
}

/// <summary>A declared graph input or output: its name, element type and dimensions (-1 where symbolic or absent).</summary>
public sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<long> Shape)
{
    internal static OnnxValueInfo Parse(ReadOnlyMemory<byte> message)
    {
        string name = "";
        int elementType = 0;
        var shape = new List<long>();
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) name = reader.ReadString();
            // TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2).
            else if (field == 2 && wire == WireType.LengthDelimited)
            {
                var type = new ProtoWireReader(reader.ReadBytes());
                while (type.Next(out int typeField, out var typeWire))
                {
                    if (typeField != 1 || typeWire != WireType.LengthDelimited) { type.Skip(typeWire); continue; }
                    var tensorType = new ProtoWireReader(type.ReadBytes());
                    while (tensorType.Next(out int f, out var w))
                    {
                        if (f == 1 && w == WireType.Varint) elementType = (int)tensorType.ReadInt64();
                        else if (f == 2 && w == WireType.LengthDelimited) ReadShape(tensorType.ReadBytes(), shape);
                        else tensorType.Skip(w);
                    }
                }
            }
            else reader.Skip(wire);
        }
        return new OnnxValueInfo(name, elementType, shape);
    }

    private static void ReadShape(ReadOnlyMemory<byte> message, List<long> shape)
    {
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            if (field != 1 || wire != WireType.LengthDelimited) { reader.Skip(wire); continue; }
            long value = -1;
            var dim = new ProtoWireReader(reader.ReadBytes());
            while (dim.Next(out int f, out var w))
            {
                if (f == 1 && w == WireType.Varint) value = dim.ReadInt64();
                else dim.Skip(w);
            }
            shape.Add(value);
        }
    }
}

/// <summary>An initialiser: a named float tensor whose little-endian payload stays a slice of the file's bytes.</summary>
public sealed class OnnxTensor
{
    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int FloatType = 1;

    private readonly ReadOnlyMemory<byte> _data;

    private OnnxTensor(string name, long[] dims, ReadOnlyMemory<byte> data)
    {
        Name = name;
        Dims = dims;
        _data = data;
    }

    public string Name { get; }
    public IReadOnlyList<long> Dims { get; }
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    public float[] ToArray() => MemoryMarshal.Cast<byte, float>(_data.Span).ToArray();

    /// <summary>A new float32 CPU tensor of shape <see cref="Dims"/>.</summary>
    public Tensor ToTensor() => tensor(ToArray(), Dims.ToArray());

    internal static OnnxTensor Parse(ReadOnlyMemory<byte> message)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX tensor payloads are little-endian");
        string name = "";
        int dataType = 0;
        bool external = false;
        var dims = new List<long>();
        var chunks = new List<ReadOnlyMemory<byte>>();
        var unpacked = new List<float>();
        var reader = new ProtoWireReader(message);
        while (reader.Next(out int field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Varint or WireType.LengthDelimited): reader.ReadInt64s(wire, dims); break;
                case (2, WireType.Varint): dataType = (int)reader.ReadInt64(); break;
                // A packed float_data run has exactly raw_data's layout, so both stay slices of the file.
                case (4, WireType.LengthDelimited) or (9, WireType.LengthDelimited): chunks.Add(reader.ReadBytes()); break;
                case (4, WireType.Fixed32): unpacked.Add(reader.ReadFloat()); break;
                case (8, WireType.LengthDelimited): name = reader.ReadString(); break;
                case (13, _): external = true; reader.Skip(wire); break;
                default: reader.Skip(wire); break;
            }
        }
        if (external) throw new FormatException($"tensor '{name}' keeps its data in an external file, which is not supported");
        if (dataType != FloatType) throw new FormatException($"tensor '{name}' has element type {dataType}; only float (1) is supported");
        if (unpacked.Count > 0) chunks.Add(MemoryMarshal.AsBytes(unpacked.ToArray().AsSpan()).ToArray());
        var bytes = chunks.Count == 1 ? chunks[0] : chunks.SelectMany(c => c.ToArray()).ToArray();
        var result = new OnnxTensor(name, [.. dims], bytes);
        if (bytes.Length != result.ElementCount * sizeof(float))
            throw new FormatException($"tensor '{name}' of shape [{string.Join(", ", dims)}] holds {bytes.Length} bytes");
        return result;
    }
}
