using System.Globalization;
using PuzzleCam.Data.Voc;
using PuzzleCam.IO;

namespace PuzzleCam.Core.Tests.Data.Voc;

/// <summary>A small VOC-layout folder written with real JPEG, XML and palette-PNG files, for reader tests.</summary>
public sealed class VocTree
{
    public string Root { get; } = Directory.CreateTempSubdirectory("voc").FullName;

    public VocTree()
    {
        foreach (var d in new[] { "JPEGImages", "Annotations", "SegmentationClass", "ImageSets/Segmentation" })
            Directory.CreateDirectory(Path.Combine(Root, d));
    }

    public VocTree AddImage(string id, int width, int height, params (string Name, int XMin, int YMin, int XMax, int YMax)[] objects)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 7 % 256);
        ImageCodec.WriteJpeg(Path.Combine(Root, "JPEGImages", id + ".jpg"), image);
        WriteXml(id, width, height, objects);
        return this;
    }

    public VocTree WriteXml(string id, int width, int height, params (string Name, int XMin, int YMin, int XMax, int YMax)[] objects)
    {
        var body = string.Concat(objects.Select(o => string.Create(CultureInfo.InvariantCulture,
            $"<object><name>{o.Name}</name><difficult>1</difficult><bndbox><xmin>{o.XMin}</xmin><ymin>{o.YMin}</ymin><xmax>{o.XMax}</xmax><ymax>{o.YMax}</ymax></bndbox></object>")));
        File.WriteAllText(Path.Combine(Root, "Annotations", id + ".xml"),
            $"<annotation><filename>{id}.jpg</filename><size><width>{width}</width><height>{height}</height><depth>3</depth></size>{body}</annotation>");
        return this;
    }

    public VocTree AddMask(string id, int width, int height, byte value)
    {
        var map = new LabelMap(width, height);
        Array.Fill(map.Labels, value);
        map.Labels[0] = 0;
        PalettePng.Write(Path.Combine(Root, "SegmentationClass", id + ".png"), map);
        return this;
    }

    public VocTree List(string name, params string[] ids)
    {
        ImageList.Write(Path.Combine(Root, "ImageSets", "Segmentation", name + ".txt"), ids);
        return this;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);
}
