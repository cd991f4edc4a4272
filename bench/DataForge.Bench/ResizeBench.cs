using System.Diagnostics;
using System.Globalization;
using DataForge.Core.Media;

/// <summary>
/// <c>DataForge.Bench resize DIR MAX_SIDE [QUALITY]</c>: every image of DIR decoded, fitted into MAX_SIDE × MAX_SIDE
/// and encoded (JPEG, or PNG with transparency) by <see cref="ImageReencoder.Fit"/> on one thread, as fetch_max_side
/// stores fetched images; a warm-up pass, then BENCH_PASSES (5) passes, the median reported as one JSON line like
/// bench/peers/sharp/resize.mjs. Output bytes are summed so both sides can be seen to produce images of like size.
/// </summary>
internal static class ResizeBench
{
    public static int Run(string[] args)
    {
        var files = Directory.GetFiles(args[1]).Where(path => path.EndsWith(".jpg", StringComparison.Ordinal) || path.EndsWith(".png", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var maxSide = int.Parse(args[2], CultureInfo.InvariantCulture);
        var quality = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 90;
        var images = files.Select(File.ReadAllBytes).ToArray();
        var passes = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PASSES"), CultureInfo.InvariantCulture, out var p) ? p : 5;
        long outBytes = 0;
        double Pass()
        {
            var clock = Stopwatch.StartNew();
            outBytes = 0;
            foreach (var image in images)
            {
                outBytes += ImageReencoder.Fit(image, maxSide, quality).Bytes.Length;
            }

            return clock.Elapsed.TotalSeconds;
        }

        Pass();
        var seconds = Enumerable.Range(0, passes).Select(_ => Pass()).Order().ElementAt(passes / 2);
        Console.WriteLine($$"""{"tool":"dataforge (SkiaSharp)","images":{{images.Length}},"seconds":{{seconds.ToString("F4", CultureInfo.InvariantCulture)}},"images_per_second":{{(images.Length / seconds).ToString("F1", CultureInfo.InvariantCulture)}},"output_bytes":{{outBytes}}}""");
        return 0;
    }
}
