using System.Text.Json.Nodes;

namespace PuzzleCam.Interactive;

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

    /// <summary>
    /// The letters of the page's peaks (a place on the path, base 36): one letter a pair, as the page holds some 300
    /// pairs for each of 1024 cells of a 128-px image; they reach paths of 36 cells, radius 16.
    /// </summary>
    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    public int Radius { get; init; } = AffinityNetTrainingOptions.Radius;

    /// <summary>The offset (dy, dx) of the partner whose path is traced; null: the farthest of those with (nearly) the lowest affinity.</summary>
    public (int Dy, int Dx)? Partner { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<PairAffinity> Affinities() => Edges.AffinitiesOf(Row, Column, Radius);

    /// <summary>The pair whose path is traced.</summary>
    public PairAffinity Traced() => Traced(Affinities());

    private PairAffinity Traced(IReadOnlyList<PairAffinity> pairs)
    {
        if (Partner is { } p)
            return pairs.FirstOrDefault(a => (a.Dy, a.Dx) == p) ?? throw new ArgumentException($"({p.Dy}, {p.Dx}) is not within radius {Radius} of ({Row}, {Column}) inside the map", nameof(Partner));
        return Lowest(pairs);
    }

    public string ToHtml()
    {
        var pairs = Affinities();
        var traced = Traced(pairs);
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
        var rows = TracedRows(traced).Concat(NeighbourhoodRows(pairs));
        var key = Html.Note("path: white cells; the edge that decides the affinity: the red cell. Click the image to pick another pixel, point at a neighbour to trace its path (where the page runs scripts).");
        var title = Title is null ? "" : Html.Heading(Title);
        return $"<div class=\"puzzlecam-pixel-affinity\" id=\"{id}\">{title}{Html.Row(figures)}{key}<div id=\"{id}-table\">{Html.Table(["", "value"], rows)}</div>{Script(id, overlay)}</div>";
    }

    /// <summary>
    /// What the page redraws from when it picks another pixel: for every cell of the edge map, its pairs as
    /// <see cref="Affinities"/> finds them, its lowest partner and its table, all worked out here. A partner's path
    /// depends only on its offset, so the paths travel once, in <c>paths</c>; per cell, <c>peaks</c> holds one letter
    /// per offset, where on the path the deciding edge lies (base 36; '.': the partner is outside the map). A pair's
    /// affinity is set by the edge that decides it, so <c>affinity</c> and its texts are held once per deciding cell.
    /// So packed, a 128-px image at radius 10 (1024 cells, up to 304 partners each) makes a page of about half a megabyte.
    /// </summary>
    private JsonObject PageData()
    {
        int cells = Edges.Height * Edges.Width;
        var pairsOf = Enumerable.Range(0, cells).Select(i => Edges.AffinitiesOf(i / Edges.Width, i % Edges.Width, Radius)).ToArray();
        var offsets = new Dictionary<(int Dy, int Dx), int>();
        var paths = new JsonArray();
        foreach (var pair in pairsOf.SelectMany(pairs => pairs))
        {
            if (offsets.TryAdd((pair.Dy, pair.Dx), offsets.Count))
                paths.Add(new JsonArray(pair.Path.Select(p => (JsonNode?)new JsonArray(p.Dy, p.Dx)).ToArray()));
        }
        var affinity = new JsonNode?[cells];
        var affinityText = new JsonNode?[cells];
        var edgeText = new JsonNode?[cells];
        var peaks = new JsonArray();
        var lowest = new JsonArray();
        var summary = new JsonArray();
        for (int cell = 0; cell < cells; cell++)
        {
            var along = new char[offsets.Count];
            Array.Fill(along, '.');
            foreach (var pair in pairsOf[cell])
            {
                int peak = 0;
                while (pair.Path[peak] != pair.Peak) peak++;
                if (peak >= Base36.Length) throw new NotSupportedException($"radius {Radius} has paths of {pair.Path.Count} cells, more than the page's one-letter peaks can point into ({Base36.Length}): keep it at 16 or less");
                along[offsets[(pair.Dy, pair.Dx)]] = Base36[peak];
                int deciding = cell + pair.Peak.Dy * Edges.Width + pair.Peak.Dx;
                affinity[deciding] = pair.Affinity;
                affinityText[deciding] = AffinityText(pair.Affinity);
                edgeText[deciding] = DecidingEdgeText(pair.Affinity);
            }
            peaks.Add(new string(along));
            var weakest = Lowest(pairsOf[cell]);
            lowest.Add(offsets[(weakest.Dy, weakest.Dx)]);
            summary.Add(new JsonArray(NeighbourhoodRows(pairsOf[cell]).Select(row => (JsonNode?)row[1]).ToArray()));
        }
        return new JsonObject
        {
            ["paths"] = paths, ["peaks"] = peaks, ["lowest"] = lowest, ["summary"] = summary,
            ["affinity"] = new JsonArray(affinity), ["affinityText"] = new JsonArray(affinityText), ["edgeText"] = new JsonArray(edgeText),
        };
    }

    /// <summary>Of the partners (nearly) as cut off as the weakest, the farthest: its long path shows the edge it crosses.</summary>
    private static PairAffinity Lowest(IReadOnlyList<PairAffinity> pairs)
    {
        if (pairs.Count == 0) throw new InvalidOperationException("the pixel has no partner inside the map");
        float weakest = pairs.Min(a => a.Affinity);
        return pairs.Where(a => a.Affinity <= weakest + 0.1f).MaxBy(a => a.Path.Count)!;
    }

    /// <summary>The table's rows on the traced pair; the page fills the same rows from <see cref="PageData"/>'s texts.</summary>
    private static IReadOnlyList<string>[] TracedRows(PairAffinity traced) =>
    [
        ["traced partner (dy, dx)", string.Create(CultureInfo.InvariantCulture, $"({traced.Dy}, {traced.Dx})")],
        ["cells on its path", traced.Path.Count.ToString(CultureInfo.InvariantCulture)],
        ["largest edge on the path, at (dy, dx)", string.Create(CultureInfo.InvariantCulture, $"{DecidingEdgeText(traced.Affinity)} at ({traced.Peak.Dy}, {traced.Peak.Dx})")],
        ["affinity = 1 − that edge", AffinityText(traced.Affinity)],
    ];

    /// <summary>The table's rows on the pixel's whole neighbourhood.</summary>
    private static IReadOnlyList<string>[] NeighbourhoodRows(IReadOnlyList<PairAffinity> pairs) =>
    [
        ["partners within the radius", pairs.Count.ToString(CultureInfo.InvariantCulture)],
        ["mean affinity", Html.Number(pairs.Average(p => (double)p.Affinity), "F3")],
        ["partners cut off (affinity < 0.5)", pairs.Count(p => p.Affinity < 0.5).ToString(CultureInfo.InvariantCulture)],
    ];

    private static string AffinityText(float affinity) => Html.Number(affinity, "F3");

    private static string DecidingEdgeText(float affinity) => (1 - affinity).ToString("F3", CultureInfo.InvariantCulture);

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
    /// The same pictures, redrawn in the page from <see cref="PageData"/>: the script looks pairs up and draws them,
    /// it finds no path and no affinity itself. The edge map and the image with its edges travel for the drawing.
    /// </summary>
    private string Script(string id, RgbImage overlay)
    {
        var data = PageData();
        data["h"] = Edges.Height;
        data["w"] = Edges.Width;
        data["r"] = Radius;
        data["s"] = Strided.Stride;
        data["zoom"] = Zoom;
        data["row"] = Row;
        data["col"] = Column;
        data["iw"] = Image.Width;
        data["ih"] = Image.Height;
        data["edge"] = new JsonArray(Edges.Values.Select(v => (JsonNode?)Math.Round(v, 4)).ToArray());
        data["base"] = DataUri(overlay);
        data["jet"] = Palette(ColorMap.Jet);
        data["viridis"] = Palette(ColorMap.Viridis);
        return "<script type=\"text/javascript\">(function(){"
            + $"var d={data.ToJsonString()};var id=\"{id}\";"
            + """
              function el(s){return document.getElementById(id+s);}
              function col(p,v){var i=Math.round(Math.max(0,Math.min(1,v))*255)*3;return 'rgb('+p[i]+','+p[i+1]+','+p[i+2]+')';}
              function at(y,x){return y*d.w+x;}
              function E(y,x){return d.edge[at(y,x)];}
              function inside(y,x){return y>=0&&y<d.h&&x>=0&&x<d.w;}
              var all,by;
              function choose(y,x){var s=d.peaks[at(y,x)];d.row=y;d.col=x;all=[];by={};
                for(var k=0;k<s.length;k++){if(s[k]==='.')continue;var p=d.paths[k],end=p[p.length-1],pk=p[parseInt(s[k],36)],c=at(y+pk[0],x+pk[1]);
                  var q={k:k,dy:end[0],dx:end[1],path:p,peak:pk,aff:d.affinity[c],affText:d.affinityText[c],edgeText:d.edgeText[c]};all.push(q);by[q.dy+','+q.dx]=q;}}
              function canvasFor(img,w,h){var c=document.createElement('canvas');c.width=w;c.height=h;c.style.width=img.width+'px';c.style.imageRendering='pixelated';c.style.display='block';c.id=img.id;img.replaceWith(c);return c;}
              function zoomed(name,t,aff){var img=el(name),r=d.r-1,z=d.zoom,side=(2*r+1)*z;var c=img.tagName==='CANVAS'?img:canvasFor(img,side,side);var g=c.getContext('2d');
                var on={};t.path.forEach(function(q){on[q[0]+','+q[1]]=1;});
                for(var dy=-r;dy<=r;dy++)for(var dx=-r;dx<=r;dx++){var k=dy+','+dx,f;
                  if(!dy&&!dx)f=aff?'#fff':col(d.jet,E(d.row,d.col));else if(aff)f=by[k]?col(d.viridis,by[k].aff):'rgb(225,225,225)';else f=inside(d.row+dy,d.col+dx)?col(d.jet,E(d.row+dy,d.col+dx)):'rgb(225,225,225)';
                  var x=(dx+r)*z,y=(dy+r)*z,o=(dy==t.peak[0]&&dx==t.peak[1])?'#f00':(on[k]?'#fff':null);
                  if(o){g.fillStyle=o;g.fillRect(x,y,z,z);g.fillStyle=f;g.fillRect(x+2,y+2,z-4,z-4);}else{g.fillStyle=f;g.fillRect(x,y,z,z);}}
                return c;}
              function draw(t){var base=new Image();base.onload=function(){var img=el('-image'),c=img.tagName==='CANVAS'?img:canvasFor(img,d.iw,d.ih);c.style.cursor='crosshair';c.onclick=pick;var g=c.getContext('2d');
                  g.drawImage(base,0,0);var lit={};lit[d.row+','+d.col]=1;all.forEach(function(q){lit[(d.row+q.dy)+','+(d.col+q.dx)]=1;});
                  g.fillStyle='rgba(0,0,0,0.66)';for(var y=0;y<d.h;y++)for(var x=0;x<d.w;x++)if(!lit[y+','+x])g.fillRect(x*d.s,y*d.s,d.s,d.s);
                  function box(y,x,s){g.strokeStyle=s;g.lineWidth=1;g.strokeRect(x*d.s+0.5,y*d.s+0.5,d.s-1,d.s-1);}
                  t.path.forEach(function(q){box(d.row+q[0],d.col+q[1],'#fff');});box(d.row+t.peak[0],d.col+t.peak[1],'#f00');box(d.row,d.col,'#000');};base.src=d.base;
                zoomed('-affinity',t,true).onmousemove=hover;zoomed('-edges',t,false);
                var values=['('+t.dy+', '+t.dx+')',''+t.path.length,t.edgeText+' at ('+t.peak[0]+', '+t.peak[1]+')',t.affText].concat(d.summary[at(d.row,d.col)]);
                var rows=el('-table').querySelectorAll('tbody tr');values.forEach(function(v,i){rows[i].cells[1].textContent=v;});}
              function pick(e){var c=e.currentTarget,b=c.getBoundingClientRect();var x=Math.floor((e.clientX-b.left)/b.width*d.iw/d.s),y=Math.floor((e.clientY-b.top)/b.height*d.ih/d.s);if(!inside(y,x))return;
                choose(y,x);var f=c.closest('figure'),cap=f&&f.querySelector('figcaption');if(cap)cap.textContent='pixel ('+y+', '+x+') of the edge map and its radius-'+d.r+' disc over the edges';
                var w=d.lowest[at(y,x)];draw(all.filter(function(q){return q.k===w;})[0]);}
              function hover(e){var c=e.currentTarget,b=c.getBoundingClientRect(),r=d.r-1;var dx=Math.floor((e.clientX-b.left)/b.width*(2*r+1))-r,dy=Math.floor((e.clientY-b.top)/b.height*(2*r+1))-r;
                if(by[dy+','+dx])draw(by[dy+','+dx]);}
              choose(d.row,d.col);var img=el('-image');if(img)img.onclick=pick;var a=el('-affinity');if(a)a.onmousemove=hover;
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
