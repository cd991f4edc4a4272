#:package SkiaSharp@3.119.4
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.4
#:property ManagePackageVersionsCentrally=false
#:property TreatWarningsAsErrors=false

// Regenerates the image, HTML, WARC and COCO samples under samples/ (speech: make-speech.sh).
// Run from the repository root: dotnet run samples/tools/make-samples.cs
// Everything is drawn from fixed seeds, so a rerun writes the same bytes.
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;

var root = args.Length > 0 ? args[0] : "samples";
var random = new Random(20261124);

var colours = new (string Name, SKColor Color)[]
{
    ("red", new SKColor(220, 40, 40)), ("blue", new SKColor(40, 80, 220)), ("green", new SKColor(40, 170, 70)),
    ("yellow", new SKColor(240, 210, 40)), ("purple", new SKColor(140, 60, 180)), ("orange", new SKColor(245, 140, 30)),
    ("white", new SKColor(245, 245, 245)), ("black", new SKColor(25, 25, 25)), ("grey", new SKColor(128, 128, 128)),
};
string[] shapes = ["circle", "square", "triangle"];

SKPath ShapePath(string shape, float cx, float cy, float r)
{
    var path = new SKPath();
    switch (shape)
    {
        case "circle": path.AddCircle(cx, cy, r); break;
        case "square": path.AddRect(new SKRect(cx - r, cy - r, cx + r, cy + r)); break;
        default:
            path.MoveTo(cx, cy - r); path.LineTo(cx + r, cy + r * 0.9f); path.LineTo(cx - r, cy + r * 0.9f); path.Close(); break;
    }
    return path;
}

// A scene: gradient background and a few shapes; returns the image and what is in it.
(SKBitmap Bitmap, List<(string Shape, string Colour, SKPath Path)> Objects, string Background) Scene(int width, int height, int count)
{
    var bitmap = new SKBitmap(width, height);
    using var canvas = new SKCanvas(bitmap);
    var background = colours[random.Next(colours.Length)];
    using (var paint = new SKPaint())
    {
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
            [background.Color, background.Color.WithAlpha(160)], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, width, height, paint);
    }
    var objects = new List<(string, string, SKPath)>();
    for (var i = 0; i < count; i++)
    {
        var shape = shapes[random.Next(shapes.Length)];
        (string Name, SKColor Color) colour;
        do { colour = colours[random.Next(colours.Length)]; } while (colour.Name == background.Name);
        var r = random.Next(Math.Min(width, height) / 10, Math.Min(width, height) / 4);
        var path = ShapePath(shape, random.Next(r, width - r), random.Next(r, height - r), r);
        using var fill = new SKPaint { Color = colour.Color, IsAntialias = false };
        canvas.DrawPath(path, fill);
        objects.Add((shape, colour.Name, path));
    }
    return (bitmap, objects, background.Name);
}

byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 85)
{
    using var data = bitmap.Encode(format, quality);
    return data.ToArray();
}

string Describe(List<(string Shape, string Colour, SKPath Path)> objects, string background)
{
    var groups = objects.GroupBy(o => (o.Colour, o.Shape)).Select(g => g.Count() == 1 ? $"a {g.Key.Colour} {g.Key.Shape}" : $"{g.Count()} {g.Key.Colour} {g.Key.Shape}s");
    return $"{string.Join(", ", groups)} on a {background} background.";
}

// ---------- image folder with sidecar captions ----------
var images = Path.Combine(root, "images");
Directory.CreateDirectory(images);
for (var i = 0; i < 10; i++)
{
    var (bitmap, objects, background) = Scene(random.Next(240, 480), random.Next(200, 400), random.Next(1, 4));
    var format = i % 3 == 0 ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
    var name = $"scene-{i:D2}.{(format == SKEncodedImageFormat.Png ? "png" : "jpg")}";
    File.WriteAllBytes(Path.Combine(images, name), Encode(bitmap, format));
    if (i != 4) File.WriteAllText(Path.Combine(images, Path.ChangeExtension(name, ".txt")), char.ToUpperInvariant(Describe(objects, background)[0]) + Describe(objects, background)[1..] + "\n");
}
// Bad and edge inputs the pipeline must handle: a duplicate, a tiny icon, a truncated JPEG, a non-image.
File.Copy(Path.Combine(images, "scene-01.jpg"), Path.Combine(images, "scene-01-copy.jpg"), overwrite: true);
File.Copy(Path.Combine(images, "scene-01.txt"), Path.Combine(images, "scene-01-copy.txt"), overwrite: true);
var (icon, _, _) = Scene(16, 16, 1);
File.WriteAllBytes(Path.Combine(images, "icon-16.png"), Encode(icon, SKEncodedImageFormat.Png));
var whole = Encode(Scene(320, 240, 2).Bitmap, SKEncodedImageFormat.Jpeg);
File.WriteAllBytes(Path.Combine(images, "truncated.jpg"), whole[..(whole.Length / 3)]);
File.WriteAllText(Path.Combine(images, "not-an-image.jpg"), "this is text pretending to be a JPEG\n");

// ---------- HTML pages with local images ----------
var html = Path.Combine(root, "html");
Directory.CreateDirectory(Path.Combine(html, "img"));
var pages = new List<(string Name, string Html, List<(string File, byte[] Bytes)> Images)>();
string[] topics = ["Painting geometric shapes", "A field guide to coloured triangles", "Why circles roll: notes for children"];
for (var p = 0; p < topics.Length; p++)
{
    var body = new StringBuilder();
    var pageImages = new List<(string, byte[])>();
    for (var s = 0; s < 3; s++)
    {
        var (bitmap, objects, background) = Scene(random.Next(300, 500), random.Next(220, 360), random.Next(1, 3));
        var file = $"page{p}-figure{s}.jpg";
        pageImages.Add((file, Encode(bitmap, SKEncodedImageFormat.Jpeg)));
        body.Append($"    <h2>Section {s + 1}</h2>\n    <p>In this section we look at {Describe(objects, background).TrimEnd('.')}. The shapes are drawn with flat colour so that their outlines are exact.</p>\n");
        body.Append($"    <figure><img src=\"img/{file}\" alt=\"{Describe(objects, background)}\" width=\"{bitmap.Width}\" height=\"{bitmap.Height}\"><figcaption>Figure {s + 1}. {Describe(objects, background)}</figcaption></figure>\n");
    }
    var page = $$"""
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{topics[p]}}</title><style>body{font-family:serif}</style></head>
<body>
  <header><nav><a href="/">Home</a> | <a href="/about">About</a></nav></header>
  <div class="cookie-banner">We use cookies. <button>Accept</button></div>
  <article>
    <h1>{{topics[p]}}</h1>
{{body}}  </article>
  <aside class="sidebar"><img src="img/ad-banner.png" alt="advertisement"><p>Buy more shapes!</p></aside>
  <footer>© 2026 Shapes Weekly</footer>
  <script>console.log("tracking");</script>
</body></html>
""";
    pages.Add(($"page{p}.html", page, pageImages));
    File.WriteAllText(Path.Combine(html, $"page{p}.html"), page);
    foreach (var (file, bytes) in pageImages) File.WriteAllBytes(Path.Combine(html, "img", file), bytes);
}
var banner = new SKBitmap(728, 90);
using (var canvas = new SKCanvas(banner)) canvas.Clear(new SKColor(255, 0, 128));
File.WriteAllBytes(Path.Combine(html, "img", "ad-banner.png"), Encode(banner, SKEncodedImageFormat.Png));

// ---------- WARC (WARC/1.0, one gzip member per record, as Common Crawl writes) ----------
var warcDir = Path.Combine(root, "warc");
Directory.CreateDirectory(warcDir);
using (var warc = File.Create(Path.Combine(warcDir, "shapes.warc.gz")))
{
    var recordNumber = 0;
    void Record(string type, string? uri, string contentType, byte[] block)
    {
        var id = $"<urn:uuid:00000000-0000-4000-8000-{++recordNumber:D12}>";
        var header = new StringBuilder();
        header.Append("WARC/1.0\r\n");
        header.Append($"WARC-Type: {type}\r\n");
        header.Append($"WARC-Record-ID: {id}\r\n");
        header.Append($"WARC-Date: 2026-11-24T00:00:{recordNumber:D2}Z\r\n");
        if (uri is not null) header.Append($"WARC-Target-URI: {uri}\r\n");
        header.Append($"Content-Type: {contentType}\r\n");
        header.Append($"Content-Length: {block.Length}\r\n\r\n");
        using var member = new MemoryStream();
        using (var gzip = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(header.ToString()));
            gzip.Write(block);
            gzip.Write("\r\n\r\n"u8);
        }
        warc.Write(member.ToArray());
    }
    byte[] Http(string contentType, byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
    Record("warcinfo", null, "application/warc-fields", "software: dataforge make-samples\r\nformat: WARC File Format 1.0\r\n"u8.ToArray());
    foreach (var (name, page, pageImages) in pages)
    {
        var baseUri = "http://shapes.example.org/";
        Record("response", baseUri + name, "application/http; msgtype=response", Http("text/html; charset=utf-8", Encoding.UTF8.GetBytes(page)));
        foreach (var (file, bytes) in pageImages)
            Record("response", baseUri + "img/" + file, "application/http; msgtype=response", Http("image/jpeg", bytes));
    }
    Record("response", "http://shapes.example.org/robots.txt", "application/http; msgtype=response", Http("text/plain", "User-agent: *\n"u8.ToArray()));
}

// ---------- COCO-style instance segmentation ----------
var coco = Path.Combine(root, "coco");
Directory.CreateDirectory(Path.Combine(coco, "images"));
var categories = shapes.Select((s, i) => new JsonObject { ["id"] = i + 1, ["name"] = s, ["supercategory"] = "shape" }).ToList();
var cocoImages = new JsonArray();
var annotations = new JsonArray();
var annotationId = 1;

// pycocotools maskApi.c rleToString: column-major run lengths, each delta-coded against the run two back
// (from the third on) and written 5 bits per char with a continuation bit, offset by 48.
string RleToString(List<long> counts)
{
    var text = new StringBuilder();
    for (var i = 0; i < counts.Count; i++)
    {
        var x = counts[i];
        if (i > 2) x -= counts[i - 2];
        var more = true;
        while (more)
        {
            var c = x & 0x1f;
            x >>= 5;
            more = (c & 0x10) != 0 ? x != -1 : x != 0;
            if (more) c |= 0x20;
            text.Append((char)(c + 48));
        }
    }
    return text.ToString();
}

List<long> MaskRuns(SKBitmap mask)
{
    // Column-major (Fortran) order, starting with a run of zeros, as COCO stores masks.
    var runs = new List<long>();
    var current = 0; long run = 0;
    for (var x = 0; x < mask.Width; x++)
        for (var y = 0; y < mask.Height; y++)
        {
            var v = mask.GetPixel(x, y).Alpha > 127 ? 1 : 0;
            if (v != current) { runs.Add(run); run = 0; current = v; }
            run++;
        }
    runs.Add(run);
    return runs;
}

var cocoScenes = new List<(string File, int Width, int Height, List<(string Shape, string Colour, SKPath Path)> Objects)>();
for (var i = 0; i < 4; i++)
{
    var width = 320 + 32 * i; var height = 240;
    var (bitmap, objects, _) = Scene(width, height, i == 3 ? 3 : 2);
    cocoScenes.Add(($"{i + 1:D12}.jpg", width, height, objects));
    var file = $"{i + 1:D12}.jpg";
    File.WriteAllBytes(Path.Combine(coco, "images", file), Encode(bitmap, SKEncodedImageFormat.Jpeg, 92));
    cocoImages.Add(new JsonObject { ["id"] = i + 1, ["file_name"] = file, ["width"] = width, ["height"] = height });
    for (var o = 0; o < objects.Count; o++)
    {
        var (shape, colour, path) = objects[o];
        var bounds = path.Bounds;
        var annotation = new JsonObject
        {
            ["id"] = annotationId++, ["image_id"] = i + 1, ["category_id"] = Array.IndexOf(shapes, shape) + 1,
            ["bbox"] = new JsonArray(Math.Round(bounds.Left, 2), Math.Round(bounds.Top, 2), Math.Round(bounds.Width, 2), Math.Round(bounds.Height, 2)),
            ["attributes"] = new JsonObject { ["colour"] = colour },
        };
        using var mask = new SKBitmap(width, height, SKColorType.Alpha8, SKAlphaType.Premul);
        // COCO masks are what is visible: objects drawn later (on top) are cut out.
        using (var canvas = new SKCanvas(mask))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawPath(path, new SKPaint { Color = SKColors.White, IsAntialias = false });
            foreach (var later in objects.Skip(o + 1))
                canvas.DrawPath(later.Path, new SKPaint { BlendMode = SKBlendMode.Clear, IsAntialias = false });
        }
        var occluded = objects.Skip(o + 1).Any(later => later.Path.Bounds.IntersectsWith(bounds));
        var runs = MaskRuns(mask);
        annotation["area"] = runs.Where((_, k) => k % 2 == 1).Sum();
        if (o == 0 && shape != "circle" && !occluded)
        {
            // Polygon: the outline's points, x,y interleaved.
            var points = path.Points.SelectMany(p => new[] { Math.Round(p.X, 1), Math.Round(p.Y, 1) }).Select(v => (JsonNode)v).ToArray();
            annotation["segmentation"] = new JsonArray(new JsonArray(points));
            annotation["iscrowd"] = 0;
        }
        else if (o == 1 && i % 2 == 1)
        {
            annotation["segmentation"] = new JsonObject { ["size"] = new JsonArray(height, width), ["counts"] = new JsonArray([.. runs.Select(r => (JsonNode)r)]) };
            annotation["iscrowd"] = 1;
        }
        else
        {
            annotation["segmentation"] = new JsonObject { ["size"] = new JsonArray(height, width), ["counts"] = RleToString(runs) };
            annotation["iscrowd"] = 0;
        }
        annotations.Add(annotation);
    }
}
// Annotations that must be rejected, one per reason (ids from 100), so the sample run shows every reject.
JsonObject Broken(int id, int image, int category, JsonNode segmentation) =>
    new() { ["id"] = id, ["image_id"] = image, ["category_id"] = category, ["bbox"] = new JsonArray(0, 0, 1, 1), ["area"] = 1, ["segmentation"] = segmentation, ["iscrowd"] = 0 };
JsonArray Polygon(params double[] xy) => new(new JsonArray([.. xy.Select(v => (JsonNode)v)]));
annotations.Add(Broken(100, 1, 3, Polygon(10, 10, 60, 10, 60)));                       // polygon.odd_coordinates
annotations.Add(Broken(101, 1, 3, Polygon(10, 10, 60, 60)));                           // polygon.too_few_points
annotations.Add(Broken(102, 2, 1, new JsonObject { ["size"] = new JsonArray(100, 100), ["counts"] = "PPYo0" })); // rle.size_mismatch
annotations.Add(Broken(103, 3, 2, Polygon(300, 20, 900, 20, 900, 200, 300, 200)));     // mask.outside_image
annotations.Add(Broken(104, 3, 2, Polygon(20, 20, 26, 20, 26, 26, 20, 26)));           // mask.too_small (and names the big square "the larger square")
annotations.Add(Broken(105, 4, 99, Polygon(10, 10, 60, 10, 60, 60)));                 // category.unknown
annotations.Add(Broken(106, 77, 1, Polygon(10, 10, 60, 10, 60, 60)));                 // annotation.unknown_image
annotations.Add(Broken(107, 1, 3, Polygon(200, 20, 260, 20, 230, 70)));               // two look-alike triangles: refer.ambiguous, twice
annotations.Add(Broken(108, 1, 3, Polygon(204, 22, 262, 22, 233, 72)));
annotations.Add(Broken(109, 5, 1, Polygon(10, 10, 60, 10, 60, 60)));                  // image.missing (image 5 has no file)
cocoImages.Add(new JsonObject { ["id"] = 5, ["file_name"] = "000000000005.jpg", ["width"] = 320, ["height"] = 240 });

var instances = new JsonObject
{
    ["info"] = new JsonObject { ["description"] = "DataForge synthetic shapes (COCO instances format)", ["version"] = "1.0", ["year"] = 2026 },
    ["images"] = cocoImages, ["annotations"] = annotations,
    ["categories"] = new JsonArray([.. categories]),
};
File.WriteAllText(Path.Combine(coco, "instances.json"), instances.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
// ---------- COCO panoptic: the same scenes as segment PNGs (id = R + 256 G + 256^2 B), background as stuff ----------
var panopticFolder = Path.Combine(coco, "panoptic");
Directory.CreateDirectory(panopticFolder);
var panopticAnnotations = new JsonArray();
for (var i = 0; i < cocoScenes.Count; i++)
{
    var (file, width, height, objects) = cocoScenes[i];
    using var segments = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
    var segmentInfo = new JsonArray();
    SKColor IdColour(int id) => new((byte)(id % 256), (byte)(id / 256 % 256), (byte)(id / 65536));
    using (var canvas = new SKCanvas(segments))
    {
        var backgroundId = 1000 * (i + 1);
        canvas.Clear(IdColour(backgroundId));
        segmentInfo.Add(new JsonObject { ["id"] = backgroundId, ["category_id"] = 4, ["iscrowd"] = 0 });
        for (var o = 0; o < objects.Count; o++)
        {
            var id = backgroundId + o + 1;
            canvas.DrawPath(objects[o].Path, new SKPaint { Color = IdColour(id), IsAntialias = false });
            segmentInfo.Add(new JsonObject { ["id"] = id, ["category_id"] = Array.IndexOf(shapes, objects[o].Shape) + 1, ["iscrowd"] = 0 });
        }
    }

    var png = Path.ChangeExtension(file, ".png");
    File.WriteAllBytes(Path.Combine(panopticFolder, png), Encode(segments, SKEncodedImageFormat.Png));
    panopticAnnotations.Add(new JsonObject { ["image_id"] = i + 1, ["file_name"] = png, ["segments_info"] = segmentInfo });
}
var panopticCategories = new JsonArray([.. shapes.Select((shape, k) => (JsonNode)new JsonObject { ["id"] = k + 1, ["name"] = shape, ["supercategory"] = "shape", ["isthing"] = 1 })]);
panopticCategories.Add(new JsonObject { ["id"] = 4, ["name"] = "wall-other-merged", ["supercategory"] = "wall", ["isthing"] = 0 });
var panoptic = new JsonObject
{
    ["info"] = new JsonObject { ["description"] = "DataForge synthetic shapes (COCO panoptic format)", ["version"] = "1.0", ["year"] = 2026 },
    ["images"] = new JsonArray([.. cocoScenes.Select((scene, k) => (JsonNode)new JsonObject { ["id"] = k + 1, ["file_name"] = scene.File, ["width"] = scene.Width, ["height"] = scene.Height })]),
    ["annotations"] = panopticAnnotations,
    ["categories"] = panopticCategories,
};
File.WriteAllText(Path.Combine(coco, "panoptic.json"), panoptic.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");

// ---------- A mask folder: images, instance-map PNGs (grey level = object) and labels.tsv ----------
var masksFolder = Path.Combine(root, "masks");
Directory.CreateDirectory(masksFolder);
var labels = new StringBuilder("image\tmask\tcategory\tvalue\tid\n");
for (var i = 0; i < 2; i++)
{
    var (file, width, height, objects) = cocoScenes[i];
    File.Copy(Path.Combine(coco, "images", file), Path.Combine(masksFolder, $"scene-{i + 1}.jpg"), overwrite: true);
    using var map = new SKBitmap(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
    using (var canvas = new SKCanvas(map))
    {
        canvas.Clear(SKColors.Black);
        for (var o = 0; o < objects.Count; o++)
        {
            var grey = (byte)(o + 1);
            canvas.DrawPath(objects[o].Path, new SKPaint { Color = new SKColor(grey, grey, grey), IsAntialias = false });
            labels.Append($"scene-{i + 1}.jpg\tscene-{i + 1}.mask.png\t{objects[o].Shape}\t{o + 1}\tscene{i + 1}-object{o + 1}\n");
        }
    }
    File.WriteAllBytes(Path.Combine(masksFolder, $"scene-{i + 1}.mask.png"), Encode(map, SKEncodedImageFormat.Png));
}
labels.Append("scene-1.jpg\tscene-1.mask.png\tcircle\t9\tno-such-grey-level\n");
labels.Append("scene-2.jpg\tmissing.mask.png\tsquare\t\tmask-file-missing\n");
File.WriteAllText(Path.Combine(masksFolder, "labels.tsv"), labels.ToString());

Console.WriteLine($"samples written under {root}");
