using System.Globalization;
using System.Text.Json.Nodes;
using PuzzleCam.Affinity;
using PuzzleCam.Cams;
using PuzzleCam.Data;
using PuzzleCam.IO;

namespace PuzzleCam.Interactive;

/// <summary>
/// Stage 3's output over its image: the pixels the CAM is sure are an object (class colours), the pixels it is sure are
/// background (darkened) and those it leaves to AffinityNet to work out (striped, label 255). With the CAM file and
/// the thresholds it also draws the two maps the labels are cut from, before the CRF: the strict one (CAM above the
/// fg threshold) and the lenient one (CAM above the bg threshold). With the ground truth, the table says how often the
/// confident labels are right.
/// </summary>
public sealed record AffinityLabelView(RgbImage Image, LabelMap Labels)
{
    public CamFile? Cams { get; init; }

    public AffinityLabelOptions? Thresholds { get; init; }

    public LabelMap? GroundTruth { get; init; }

    public string? Title { get; init; }

    /// <summary>Share of the pixels labelled a class, background, and ignored (each 0..1).</summary>
    public (double Foreground, double Background, double Ignored) Shares()
    {
        long foreground = 0, background = 0, ignored = 0;
        foreach (var label in Labels.Labels)
        {
            if (label == VocClasses.Background) background++;
            else if (label == AffinityLabels.Ignore) ignored++;
            else foreground++;
        }
        double total = Math.Max(1, Labels.Labels.Length);
        return (foreground / total, background / total, ignored / total);
    }

    /// <summary>The labels drawn over the image: class colours, darkened background, stripes where ignored.</summary>
    public static RgbImage Confidence(RgbImage image, LabelMap labels)
    {
        CheckSize(image, labels);
        var result = image.Clone();
        var palette = VocClasses.Palette;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int i = y * image.Width + x;
                byte label = labels.Labels[i];
                for (int c = 0; c < 3; c++)
                {
                    byte under = image.Pixels[i * 3 + c];
                    result.Pixels[i * 3 + c] = label == VocClasses.Background ? ColorMap.Mix(under, 0, 0.65)
                        : label == AffinityLabels.Ignore ? ((x + y) % 6 < 2 ? ColorMap.Mix(under, 255, 0.8) : under)
                        : ColorMap.Mix(under, palette[label * 3 + c], 0.6);
                }
            }
        }
        return result;
    }

    public string ToHtml()
    {
        CheckSize(Image, Labels);
        var c = CultureInfo.InvariantCulture;
        var figures = new List<string> { Html.Image(Image, "image") };
        if (Cams?.HighResCam is { } cam && Thresholds is { } thresholds && cam.Width == Image.Width && cam.Height == Image.Height)
        {
            foreach (var (threshold, name) in new[] { (thresholds.FgThreshold, "strict: CAM above fg"), (thresholds.BgThreshold, "lenient: CAM above bg") })
            {
                var labels = ThresholdLabels.Argmax(cam, (float)threshold);
                ThresholdLabels.MapThroughKeys(labels, Cams.Keys);
                figures.Add(Html.LabelMap(new LabelMap(Image.Width, Image.Height, labels), string.Create(c, $"{name} {threshold:F2}, before the CRF")));
            }
        }
        figures.Add(Html.Image(Confidence(Image, Labels), "confident labels over the image"));
        figures.Add(Html.LabelMap(Labels, "affinity labels (beige: ignored)"));
        if (GroundTruth is not null) figures.Add(Html.LabelMap(GroundTruth, "ground truth"));

        var (foreground, background, ignored) = Shares();
        var rows = new List<IReadOnlyList<string>>
        {
            Row("confident foreground (a class)", foreground, Agreement(l => l != VocClasses.Background && l != AffinityLabels.Ignore)),
            Row("confident background", background, Agreement(l => l == VocClasses.Background)),
            Row("ignored (255): left to AffinityNet", ignored, null),
        };
        var header = GroundTruth is null ? new[] { "pixels", "share %" } : new[] { "pixels", "share %", "agrees with the ground truth %" };
        var keys = $"<div style=\"font-size:12px;margin:2px 4px\">{Key(0.65, 0, "confident background (darkened)")}{Key(0.8, 255, "ignored (striped)")}</div>";
        var labelsPresent = Html.PresentLabels(Labels).Where(l => l != AffinityLabels.Ignore);
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-affinity-labels\">{title}{Html.Row(figures)}{keys}{Html.Legend(labelsPresent)}{Html.Table(header, rows)}</div>";

        IReadOnlyList<string> Row(string name, double share, double? agreement) => GroundTruth is null
            ? [name, Html.Number(100 * share, "F1")]
            : [name, Html.Number(100 * share, "F1"), agreement is { } a ? Html.Number(100 * a, "F1") : "–"];
    }

    /// <summary>
    /// How often the confident labels are right: of the pixels labelled a class, and of those labelled background, the
    /// share (0..1) the ground truth labels the same (its ignored border left out); null without a ground truth.
    /// </summary>
    public (double Foreground, double Background)? Agreements() => GroundTruth is null ? null
        : (Agreement(l => l != VocClasses.Background && l != AffinityLabels.Ignore)!.Value, Agreement(l => l == VocClasses.Background)!.Value);

    private double? Agreement(Func<byte, bool> kind)
    {
        if (GroundTruth is null) return null;
        long counted = 0, same = 0;
        for (int i = 0; i < Labels.Labels.Length; i++)
        {
            byte label = Labels.Labels[i], truth = GroundTruth.Labels[i];
            if (!kind(label) || truth == VocClasses.Ignore) continue;
            counted++;
            if (label == truth) same++;
        }
        return counted == 0 ? double.NaN : (double)same / counted;
    }

    private static string Key(double opacity, byte over, string text)
    {
        byte shade = ColorMap.Mix(160, over, opacity);
        return $"<span style=\"display:inline-block;margin-right:10px\"><span style=\"display:inline-block;width:12px;height:12px;background:rgb({shade},{shade},{shade});border:1px solid #888;vertical-align:middle;margin-right:3px\"></span>{Html.Encode(text)}</span>";
    }

    private static void CheckSize(RgbImage image, LabelMap labels)
    {
        if (image.Width != labels.Width || image.Height != labels.Height)
            throw new ArgumentException($"the labels are {labels.Width}x{labels.Height} but the image is {image.Width}x{image.Height}", nameof(labels));
    }
}

/// <summary>
/// AffinityNet's edge map of an image: the map on its own (a cell per 4x4 pixels) and laid over the image. Where it is
/// bright, every pair of pixels whose path crosses it gets a low affinity, and the random walk does not pass.
/// </summary>
public sealed record EdgeMapView(RgbImage Image, EdgeMap Edges)
{
    public string? Title { get; init; }

    public ColorMap ColorMap { get; init; } = ColorMap.Jet;

    public string ToHtml()
    {
        var upsampled = Strided.Nearest(Edges, Image.Width, Image.Height);
        var figures = new List<string>
        {
            Html.Image(Image, "image"),
            Html.Image(ColorMap.Apply(Edges.Values, Edges.Width, Edges.Height), $"edge map, {Edges.Width}x{Edges.Height} cells"),
            Html.Image(ColorMap.Overlay(Image, upsampled), "edges over the image"),
        };
        double mean = Edges.Values.Average(v => (double)v);
        double strong = Edges.Values.Count(v => v > 0.5) / (double)Math.Max(1, Edges.Values.Length);
        var note = string.Create(CultureInfo.InvariantCulture, $"edge probability: mean {mean:F3}, {100 * strong:F1} % of the cells above 0.5; a cell is {Strided.Stride}x{Strided.Stride} image pixels");
        var scale = $"<div style=\"font-size:12px;margin:2px 4px\">0 {Html.Img(ColorMap.Bar(), 128, inline: true)} 1 ({ColorMap.Name})</div>";
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-edges\">{title}{Html.Row(figures)}{scale}{Html.Note(note)}</div>";
    }
}

/// <summary>
/// Pick a pixel: the affinities of one cell of the edge map to every cell within <see cref="Radius"/> (AffinityNet's
/// training radius by default), each one minus the largest edge on the straight path between the two. Drawn are the
/// pixel's disc over the image, the affinities around it, and the edges around it; the path to
/// <see cref="Partner"/> (by default a far partner cut off by an edge) is traced in both, with the edge that
/// decides its affinity marked. Where the page runs scripts, clicking the image picks another pixel and pointing at a
/// cell of the affinity map traces its path.
/// </summary>
public sealed record PixelAffinityView(RgbImage Image, EdgeMap Edges, int Row, int Column)
{
    /// <summary>Side of one cell in the zoomed maps, in display pixels.</summary>
    private const int Zoom = 9;

    public int Radius { get; init; } = AffinityNetTrainingOptions.Radius;

    /// <summary>The offset (dy, dx) of the partner whose path is traced; null: the farthest of those with (nearly) the lowest affinity.</summary>
    public (int Dy, int Dx)? Partner { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<PairAffinity> Affinities() => Edges.AffinitiesOf(Row, Column, Radius);

    /// <summary>The pair whose path is traced.</summary>
    public PairAffinity Traced()
    {
        var pairs = Affinities();
        if (Partner is { } p)
            return pairs.FirstOrDefault(a => (a.Dy, a.Dx) == p) ?? throw new ArgumentException($"({p.Dy}, {p.Dx}) is not within radius {Radius} of ({Row}, {Column}) inside the map", nameof(Partner));
        if (pairs.Count == 0) throw new InvalidOperationException("the pixel has no partner inside the map");
        // Of the partners (nearly) as cut off as the weakest, the farthest: its long path shows the edge it crosses.
        float weakest = pairs.Min(a => a.Affinity);
        return pairs.Where(a => a.Affinity <= weakest + 0.1f).MaxBy(a => a.Path.Count)!;
    }

    public string ToHtml()
    {
        var c = CultureInfo.InvariantCulture;
        var pairs = Affinities();
        var traced = Traced();
        var id = "puzzlecam-pixel-" + Guid.NewGuid().ToString("N");
        var overlay = ColorMap.Jet.Overlay(Image, Strided.Nearest(Edges, Image.Width, Image.Height), 0.45);
        var figures = new[]
        {
            Html.Figure($"<img id=\"{id}-image\" src=\"{DataUri(Marked(overlay, traced))}\" width=\"{Html.TileWidth * 3 / 2}\" style=\"image-rendering:pixelated;display:block;cursor:crosshair\" alt=\"{Image.Width}x{Image.Height}\"/>",
                $"pixel ({Row}, {Column}) of the edge map and its radius-{Radius} disc over the edges"),
            Html.Figure($"<img id=\"{id}-affinity\" src=\"{DataUri(Neighbourhood(pairs, traced, affinity: true))}\" width=\"{(2 * Radius - 1) * Zoom}\" style=\"image-rendering:pixelated;display:block\"/>",
                "affinity to each neighbour (viridis 0..1; white: the pixel)"),
            Html.Figure($"<img id=\"{id}-edges\" src=\"{DataUri(Neighbourhood(pairs, traced, affinity: false))}\" width=\"{(2 * Radius - 1) * Zoom}\" style=\"image-rendering:pixelated;display:block\"/>",
                "edges around the pixel (jet 0..1), the traced path"),
        };
        double mean = pairs.Average(p => (double)p.Affinity);
        int cut = pairs.Count(p => p.Affinity < 0.5);
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "traced partner (dy, dx)", $"({traced.Dy}, {traced.Dx})" },
            new[] { "cells on its path", traced.Path.Count.ToString(c) },
            new[] { "largest edge on the path, at (dy, dx)", string.Create(c, $"{1 - traced.Affinity:F3} at ({traced.Peak.Dy}, {traced.Peak.Dx})") },
            new[] { "affinity = 1 − that edge", Html.Number(traced.Affinity, "F3") },
            new[] { "partners within the radius", pairs.Count.ToString(c) },
            new[] { "mean affinity", Html.Number(mean, "F3") },
            new[] { "partners cut off (affinity < 0.5)", cut.ToString(c) },
        };
        var key = Html.Note("path: white cells; the edge that decides the affinity: the red cell. Click the image to pick another pixel, point at a neighbour to trace its path (where the page runs scripts).");
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-pixel-affinity\" id=\"{id}\">{title}{Html.Row(figures)}{key}<div id=\"{id}-table\">{Html.Table(["", "value"], rows)}</div>{Script(id, overlay)}</div>";
    }

    private static string DataUri(RgbImage image) => $"data:image/png;base64,{Convert.ToBase64String(ImageCodec.EncodePng(image))}";

    /// <summary>The image with edges, darkened outside the disc, the path's cells outlined and the pixel and its partner boxed.</summary>
    private RgbImage Marked(RgbImage overlay, PairAffinity traced)
    {
        var image = overlay.Clone();
        int s = Strided.Stride;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int dy = y / s - Row, dx = x / s - Column;
                if (dy * dy + dx * dx < Radius * Radius) continue;
                int i = (y * image.Width + x) * 3;
                for (int ch = 0; ch < 3; ch++) image.Pixels[i + ch] = (byte)(image.Pixels[i + ch] / 3);
            }
        }
        foreach (var (dy, dx) in traced.Path) Box(image, Row + dy, Column + dx, (255, 255, 255));
        Box(image, Row + traced.Peak.Dy, Column + traced.Peak.Dx, (255, 0, 0));
        Box(image, Row, Column, (0, 0, 0));
        return image;
    }

    private static void Box(RgbImage image, int row, int column, (byte R, byte G, byte B) colour)
    {
        int s = Strided.Stride;
        for (int y = row * s; y < Math.Min(image.Height, (row + 1) * s); y++)
        {
            for (int x = column * s; x < Math.Min(image.Width, (column + 1) * s); x++)
            {
                if (y != row * s && y != (row + 1) * s - 1 && x != column * s && x != (column + 1) * s - 1) continue;
                int i = (y * image.Width + x) * 3;
                (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = colour;
            }
        }
    }

    /// <summary>A (2r−1)² window around the pixel, one cell per neighbour: its affinity, or the edge map; the path traced.</summary>
    private RgbImage Neighbourhood(IReadOnlyList<PairAffinity> pairs, PairAffinity traced, bool affinity)
    {
        int side = 2 * Radius - 1, r = Radius - 1;
        var image = new RgbImage(side * Zoom, side * Zoom);
        var byOffset = pairs.ToDictionary(p => (p.Dy, p.Dx));
        var onPath = traced.Path.ToHashSet();
        for (int dy = -r; dy <= r; dy++)
        {
            for (int dx = -r; dx <= r; dx++)
            {
                (byte, byte, byte) fill;
                if (dy == 0 && dx == 0) fill = affinity ? ((byte)255, (byte)255, (byte)255) : ColorMap.Jet[Edges[Row, Column]];
                else if (affinity) fill = byOffset.TryGetValue((dy, dx), out var pair) ? ColorMap.Viridis[pair.Affinity] : ((byte)225, (byte)225, (byte)225);
                else fill = Edges.Inside(Row + dy, Column + dx) ? ColorMap.Jet[Edges[Row + dy, Column + dx]] : ((byte)225, (byte)225, (byte)225);
                (byte, byte, byte)? outline = (dy, dx) == traced.Peak ? ((byte)255, (byte)0, (byte)0) : onPath.Contains((dy, dx)) ? ((byte)255, (byte)255, (byte)255) : null;
                for (int y = 0; y < Zoom; y++)
                {
                    for (int x = 0; x < Zoom; x++)
                    {
                        bool border = y < 2 || x < 2 || y >= Zoom - 2 || x >= Zoom - 2;
                        var colour = outline is { } o && border ? o : fill;
                        int i = (((dy + r) * Zoom + y) * image.Width + (dx + r) * Zoom + x) * 3;
                        (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = colour;
                    }
                }
            }
        }
        return image;
    }

    /// <summary>
    /// The same pictures, redrawn in the page: the edge map and the image with its edges travel with the HTML, and the
    /// paths are found as <see cref="PathIndex"/> finds them (the grid points of the box closer than 1 to the line).
    /// </summary>
    private string Script(string id, RgbImage overlay)
    {
        var data = new JsonObject
        {
            ["h"] = Edges.Height, ["w"] = Edges.Width, ["r"] = Radius, ["s"] = Strided.Stride, ["zoom"] = Zoom,
            ["row"] = Row, ["col"] = Column, ["iw"] = Image.Width, ["ih"] = Image.Height,
            ["edge"] = new JsonArray(Edges.Values.Select(v => (JsonNode?)Math.Round(v, 4)).ToArray()),
            ["base"] = DataUri(overlay),
            ["jet"] = Palette(ColorMap.Jet), ["viridis"] = Palette(ColorMap.Viridis),
        };
        return "<script type=\"text/javascript\">(function(){"
            + $"var d={data.ToJsonString()};var id=\"{id}\";"
            + """
              function el(s){return document.getElementById(id+s);}
              function col(p,v){var i=Math.round(Math.max(0,Math.min(1,v))*255)*3;return 'rgb('+p[i]+','+p[i+1]+','+p[i+2]+')';}
              function E(y,x){return d.edge[y*d.w+x];}
              function inside(y,x){return y>=0&&y<d.h&&x>=0&&x<d.w;}
              function path(dy,dx){var L=dy*dy+dx*dx,pts=[];for(var y=Math.min(0,dy);y<=Math.max(0,dy);y++)for(var x=Math.min(0,dx);x<=Math.max(0,dx);x++){var c=dy*x-dx*y;if(c*c<L)pts.push([y,x]);}
                pts.sort(function(a,b){return (Math.abs(a[0])+Math.abs(a[1]))-(Math.abs(b[0])+Math.abs(b[1]));});return pts;}
              function pair(dy,dx){var p=path(dy,dx),m=E(d.row,d.col),pk=[0,0];p.forEach(function(q){var e=E(d.row+q[0],d.col+q[1]);if(e>m){m=e;pk=q;}});return {dy:dy,dx:dx,aff:1-m,path:p,peak:pk};}
              function pairs(){var out=[],r=d.r;for(var dy=-r+1;dy<r;dy++)for(var dx=-r+1;dx<r;dx++){if((dy||dx)&&dy*dy+dx*dx<r*r&&inside(d.row+dy,d.col+dx))out.push(pair(dy,dx));}return out;}
              function canvasFor(img,w,h){var c=document.createElement('canvas');c.width=w;c.height=h;c.style.width=img.width+'px';c.style.imageRendering='pixelated';c.style.display='block';c.id=img.id;img.replaceWith(c);return c;}
              function zoomed(name,all,t,aff){var img=el(name),r=d.r-1,z=d.zoom,side=(2*r+1)*z;var c=img.tagName==='CANVAS'?img:canvasFor(img,side,side);var g=c.getContext('2d');
                var by={};all.forEach(function(p){by[p.dy+','+p.dx]=p;});var on={};t.path.forEach(function(q){on[q[0]+','+q[1]]=1;});
                for(var dy=-r;dy<=r;dy++)for(var dx=-r;dx<=r;dx++){var k=dy+','+dx,f;
                  if(!dy&&!dx)f=aff?'#fff':col(d.jet,E(d.row,d.col));else if(aff)f=by[k]?col(d.viridis,by[k].aff):'rgb(225,225,225)';else f=inside(d.row+dy,d.col+dx)?col(d.jet,E(d.row+dy,d.col+dx)):'rgb(225,225,225)';
                  var x=(dx+r)*z,y=(dy+r)*z,o=(dy==t.peak[0]&&dx==t.peak[1])?'#f00':(on[k]?'#fff':null);
                  if(o){g.fillStyle=o;g.fillRect(x,y,z,z);g.fillStyle=f;g.fillRect(x+2,y+2,z-4,z-4);}else{g.fillStyle=f;g.fillRect(x,y,z,z);}}
                return c;}
              function draw(t){var all=pairs();var base=new Image();base.onload=function(){var img=el('-image'),c=img.tagName==='CANVAS'?img:canvasFor(img,d.iw,d.ih);c.style.cursor='crosshair';c.onclick=pick;var g=c.getContext('2d');
                  g.drawImage(base,0,0);g.fillStyle='rgba(0,0,0,0.66)';for(var y=0;y<d.h;y++)for(var x=0;x<d.w;x++){var a=y-d.row,b=x-d.col;if(a*a+b*b>=d.r*d.r)g.fillRect(x*d.s,y*d.s,d.s,d.s);}
                  function box(y,x,s){g.strokeStyle=s;g.lineWidth=1;g.strokeRect(x*d.s+0.5,y*d.s+0.5,d.s-1,d.s-1);}
                  t.path.forEach(function(q){box(d.row+q[0],d.col+q[1],'#fff');});box(d.row+t.peak[0],d.col+t.peak[1],'#f00');box(d.row,d.col,'#000');};base.src=d.base;
                zoomed('-affinity',all,t,true).onmousemove=hover;zoomed('-edges',all,t,false);
                var mean=all.reduce(function(s,p){return s+p.aff;},0)/all.length,cut=all.filter(function(p){return p.aff<0.5;}).length;
                var rows=[['traced partner (dy, dx)','('+t.dy+', '+t.dx+')'],['cells on its path',''+t.path.length],['largest edge on the path, at (dy, dx)',(1-t.aff).toFixed(3)+' at ('+t.peak[0]+', '+t.peak[1]+')'],['affinity = 1 − that edge',t.aff.toFixed(3)],['partners within the radius',''+all.length],['mean affinity',mean.toFixed(3)],['partners cut off (affinity < 0.5)',''+cut]];
                var tb=el('-table').querySelector('tbody');if(tb)tb.innerHTML=rows.map(function(r){return '<tr><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left">'+r[0]+'</td><td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:right">'+r[1]+'</td></tr>';}).join('');}
              function lowest(){var all=pairs(),m=Math.min.apply(null,all.map(function(p){return p.aff;}));return all.filter(function(p){return p.aff<=m+0.1;}).reduce(function(a,b){return b.path.length>a.path.length?b:a;});}
              function pick(e){var c=e.currentTarget,b=c.getBoundingClientRect();var x=Math.floor((e.clientX-b.left)/b.width*d.iw/d.s),y=Math.floor((e.clientY-b.top)/b.height*d.ih/d.s);if(!inside(y,x))return;d.row=y;d.col=x;var f=c.closest('figure'),cap=f&&f.querySelector('figcaption');if(cap)cap.textContent='pixel ('+y+', '+x+') of the edge map and its radius-'+d.r+' disc over the edges';draw(lowest());}
              function hover(e){var c=e.currentTarget,b=c.getBoundingClientRect(),r=d.r-1;var dx=Math.floor((e.clientX-b.left)/b.width*(2*r+1))-r,dy=Math.floor((e.clientY-b.top)/b.height*(2*r+1))-r;
                if((dy||dx)&&dy*dy+dx*dx<d.r*d.r&&inside(d.row+dy,d.col+dx))draw(pair(dy,dx));}
              var img=el('-image');if(img)img.onclick=pick;var a=el('-affinity');if(a)a.onmousemove=hover;
              })();</script>
              """;
    }

    private static JsonArray Palette(ColorMap map)
    {
        var values = new JsonArray();
        for (int i = 0; i < 256; i++)
        {
            var (r, g, b) = map[i / 255.0];
            values.Add(r);
            values.Add(g);
            values.Add(b);
        }
        return values;
    }
}

/// <summary>Maps at the stride of the edge network and the random walk, brought to image size for display.</summary>
public static class Strided
{
    /// <summary>Image pixels per cell side of the edge map and of the CAMs the walk runs on.</summary>
    public const int Stride = RandomWalk.RandomWalkPropagation.Stride;

    /// <summary>Every image pixel takes the value of the cell it lies in.</summary>
    public static float[] Nearest(EdgeMap map, int width, int height)
    {
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                values[y * width + x] = map[Math.Min(y / Stride, map.Height - 1), Math.Min(x / Stride, map.Width - 1)];
        return values;
    }

    /// <summary>
    /// Stride-4 planes upsampled as the random walk's result is (bilinear x4 with half-pixel centres, then cropped to
    /// the image), so a map drawn from here lines up with the <c>rw</c> arrays.
    /// </summary>
    public static ClassMaps Upsample(ClassMaps maps, int width, int height) => Resample.Bilinear(maps, width, height, 1.0 / Stride);
}
