using System.Text;
using System.Xml;

namespace PuzzleCam.Data.Synthetic;

/// <summary>Writes a scene as a VOC 2012 <c>Annotations/{id}.xml</c> (plus each body's look) with fixed formatting, so its bytes depend on the scene only.</summary>
internal static class AnnotationXml
{
    public static byte[] Encode(string id, SceneLayout layout)
    {
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "\t",
            NewLineChars = "\n",
            OmitXmlDeclaration = true,
            Encoding = new UTF8Encoding(false),
        };
        var boxes = layout.VisibleBoxes();
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartElement("annotation");
            w.WriteElementString("folder", "VOC2012");
            w.WriteElementString("filename", id + ".jpg");
            w.WriteStartElement("source");
            w.WriteElementString("database", "PuzzleCam.NET synthetic VOC");
            w.WriteEndElement();
            w.WriteStartElement("size");
            w.WriteElementString("width", Number(layout.Size));
            w.WriteElementString("height", Number(layout.Size));
            w.WriteElementString("depth", "3");
            w.WriteEndElement();
            w.WriteElementString("segmented", "1");
            for (int k = 0; k < layout.Objects.Count; k++)
            {
                var o = layout.Objects[k];
                var b = boxes[k];
                w.WriteStartElement("object");
                w.WriteElementString("name", VocClasses.Names[o.ClassIndex]);
                w.WriteElementString("pose", "Unspecified");
                w.WriteElementString("truncated", o.Truncated ? "1" : "0");
                w.WriteElementString("difficult", "0");
                // Not a VOC field (VOC readers skip it): the class whose look the body wears, which differs from
                // <name> for the bodies that wear another class's look.
                w.WriteElementString("look", VocClasses.Names[o.Look]);
                // VOC boxes are 1-based and inclusive, around the visible part of the object.
                w.WriteStartElement("bndbox");
                w.WriteElementString("xmin", Number(b.XMin + 1));
                w.WriteElementString("ymin", Number(b.YMin + 1));
                w.WriteElementString("xmax", Number(b.XMax + 1));
                w.WriteElementString("ymax", Number(b.YMax + 1));
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static string Number(int v) => v.ToString(CultureInfo.InvariantCulture);
}
