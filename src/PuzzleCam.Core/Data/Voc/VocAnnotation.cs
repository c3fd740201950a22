using System.Xml;
using System.Xml.Linq;

namespace PuzzleCam.Data.Voc;

/// <summary>One object of a VOC annotation: its class and its box clamped to the image.</summary>
public sealed record VocObject(string Name, int XMin, int YMin, int XMax, int YMax, bool Difficult);

/// <summary>A VOC <c>Annotations/{id}.xml</c> file and the image-level tags the reference derives from it.</summary>
public sealed record VocAnnotation(int Width, int Height, IReadOnlyList<VocObject> Objects)
{
    /// <summary>
    /// The 20-way multi-hot tag vector as the reference builds it: every kept object's class, difficult ones included,
    /// duplicates collapsed.
    /// </summary>
    public float[] Tags()
    {
        var tags = new float[VocClasses.Count];
        foreach (var o in Objects) tags[VocClasses.IndexOf(o.Name)] = 1f;
        return tags;
    }

    /// <summary>
    /// Reads an annotation with the reference's rules: box coordinates are the integer part of their text, clamped to
    /// the image; an object whose clamped box has zero width or height is dropped. An XML that leaves no object, names an
    /// unknown class or is malformed is an error naming the file.
    /// </summary>
    public static VocAnnotation Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: annotation not found", path);
        XDocument doc;
        try { doc = XDocument.Load(path); }
        catch (XmlException e) { throw new InvalidDataFileException(path, $"malformed XML ({e.Message})", e); }
        var root = doc.Root ?? throw new InvalidDataFileException(path, "empty XML");
        var size = root.Element("size") ?? throw new InvalidDataFileException(path, "no <size> element");
        int width = ParseInt(size.Element("width"), path, "size/width");
        int height = ParseInt(size.Element("height"), path, "size/height");
        if (width <= 0 || height <= 0) throw new InvalidDataFileException(path, $"bad image size {width}x{height}");

        var objects = new List<VocObject>();
        foreach (var o in root.Elements("object"))
        {
            var name = o.Element("name")?.Value.Trim() ?? throw new InvalidDataFileException(path, "an <object> has no <name>");
            if (VocClasses.IndexOf(name) < 0)
                throw new InvalidDataFileException(path, $"unknown class name '{name}' (expected one of the 20 VOC classes)");
            var box = o.Element("bndbox") ?? throw new InvalidDataFileException(path, $"object '{name}' has no <bndbox>");
            int xmin = Math.Clamp(ParseInt(box.Element("xmin"), path, "xmin"), 0, width - 1);
            int ymin = Math.Clamp(ParseInt(box.Element("ymin"), path, "ymin"), 0, height - 1);
            int xmax = Math.Clamp(ParseInt(box.Element("xmax"), path, "xmax"), 0, width - 1);
            int ymax = Math.Clamp(ParseInt(box.Element("ymax"), path, "ymax"), 0, height - 1);
            if (xmax - xmin == 0 || ymax - ymin == 0) continue;
            bool difficult = o.Element("difficult")?.Value.Trim() == "1";
            objects.Add(new VocObject(name, xmin, ymin, xmax, ymax, difficult));
        }
        if (objects.Count == 0) throw new InvalidDataFileException(path, "no usable <object>: the image has no tag");
        return new VocAnnotation(width, height, objects);
    }

    private static int ParseInt(XElement? element, string path, string what)
    {
        if (element is null) throw new InvalidDataFileException(path, $"missing <{what}>");
        if (!double.TryParse(element.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new InvalidDataFileException(path, $"<{what}> is not a number: '{element.Value}'");
        return (int)Math.Truncate(v);
    }
}
