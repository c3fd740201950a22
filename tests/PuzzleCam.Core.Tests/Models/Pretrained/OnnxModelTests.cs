using PuzzleCam.IO;
using PuzzleCam.Models.Pretrained;
using static PuzzleCam.Core.Tests.Models.Pretrained.ProtoBytes;

namespace PuzzleCam.Core.Tests.Models.Pretrained;

public class OnnxModelTests
{
    private static byte[] Tensor(string name, params byte[][] fields) => [.. String(8, name), .. fields.SelectMany(f => f)];

    private static byte[] Model(params byte[][] graphFields) =>
        [.. Varint(1, 3), .. String(2, "writer"), .. Bytes(7, [.. String(2, "g"), .. graphFields.SelectMany(f => f)])];

    [Fact]
    public void ReadsNodesAttributesAndTensorsInEveryEncoding()
    {
        var node = Bytes(1,
            String(1, "x"), String(1, "w"), String(2, "y"), String(3, "conv0"), String(4, "Conv"),
            Bytes(5, String(1, "pads"), PackedVarints(8, 1, 1, 0, 0)),
            Bytes(5, String(1, "strides"), Varint(8, 2), Varint(8, 2)),
            Bytes(5, String(1, "epsilon"), Fixed32(2, 0.5f)),
            Bytes(5, String(1, "auto_pad"), String(4, "NOTSET")),
            Bytes(5, String(1, "offset"), Varint(3, -7)));
        // Unpacked dims with raw_data; packed dims with unpacked float_data; packed float_data in two runs.
        var raw = Bytes(5, Tensor("w", Varint(1, 2), Varint(1, 2), Varint(2, 1), Bytes(9, [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f), .. BitConverter.GetBytes(3f), .. BitConverter.GetBytes(4f)])));
        var unpacked = Bytes(5, Tensor("v", PackedVarints(1, 3), Varint(2, 1), Fixed32(4, 5f), Fixed32(4, 6f), Fixed32(4, 7f)));
        var runs = Bytes(5, Tensor("u", PackedVarints(1, 3), Varint(2, 1), PackedFloats(4, 8f), PackedFloats(4, 9f, 10f)));
        var input = Bytes(11, String(1, "x"), Bytes(2, Bytes(1, Varint(1, 1), Bytes(2, Bytes(1, Varint(1, 1)), Bytes(1, String(2, "batch"))))));

        var model = OnnxModel.Parse(Model(node, raw, unpacked, runs, input, Bytes(12, FloatValueInfo("y"))), "mem.onnx");

        Assert.Equal("writer", model.Producer);
        Assert.Equal("g", model.Graph.Name);
        var conv = Assert.Single(model.Graph.Nodes);
        Assert.Equal(("conv0", "Conv"), (conv.Name, conv.OpType));
        Assert.Equal(["x", "w"], conv.Inputs);
        Assert.Equal(["y"], conv.Outputs);
        Assert.Equal([1L, 1, 0, 0], conv.Ints("pads", []));
        Assert.Equal([2L, 2], conv.Ints("strides", []));
        Assert.Equal([1L], conv.Ints("dilations", [1]));
        Assert.Equal(0.5f, conv.Float("epsilon", 0));
        Assert.Equal("NOTSET", conv.Attributes["auto_pad"].String);
        Assert.Equal(-7, conv.Int("offset", 0));
        Assert.Equal([2L, 2], model.Graph.Initializers["w"].Dims);
        Assert.Equal([1f, 2, 3, 4], model.Graph.Initializers["w"].ToArray());
        Assert.Equal([5f, 6, 7], model.Graph.Initializers["v"].ToArray());
        Assert.Equal([8f, 9, 10], model.Graph.Initializers["u"].ToArray());
        var x = Assert.Single(model.Graph.DataInputs);
        Assert.Equal(("x", 1), (x.Name, x.ElementType));
        Assert.Equal([1L, -1], x.Shape);
        Assert.Equal("y", Assert.Single(model.Graph.Outputs).Name);
        using var t = model.Graph.Initializers["w"].ToTensor();
        Assert.Equal([2L, 2], t.shape);
        Assert.Equal(4f, t[1, 1].item<float>());
    }

    [Fact]
    public void RefusesWhatItCannotRepresent()
    {
        var int64 = Model(Bytes(5, Tensor("i", Varint(1, 1), Varint(2, 7), PackedVarints(7, 5))));
        Assert.Contains("element type 7", Assert.Throws<InvalidDataFileException>(() => OnnxModel.Parse(int64, "a.onnx")).Message);

        var external = Model(Bytes(5, Tensor("e", Varint(1, 1), Varint(2, 1), Bytes(13, String(1, "location"), String(2, "w.bin")))));
        Assert.Contains("external", Assert.Throws<InvalidDataFileException>(() => OnnxModel.Parse(external, "b.onnx")).Message);

        var short_ = Model(Bytes(5, Tensor("s", Varint(1, 2), Varint(2, 1), PackedFloats(4, 1f))));
        Assert.Contains("holds 4 bytes", Assert.Throws<InvalidDataFileException>(() => OnnxModel.Parse(short_, "c.onnx")).Message);

        var whole = Model(Bytes(5, Tensor("w", Varint(1, 1), Varint(2, 1), PackedFloats(4, 1f))));
        var truncated = Assert.Throws<InvalidDataFileException>(() => OnnxModel.Parse(whole[..^3], "d.onnx"));
        Assert.StartsWith("d.onnx: ", truncated.Message);
        Assert.Equal("d.onnx", truncated.FilePath);

        Assert.Throws<FileNotFoundException>(() => OnnxModel.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".onnx")));
    }
}
