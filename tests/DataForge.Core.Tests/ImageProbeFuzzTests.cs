using DataForge.Core.Media;
using DataForge.Testing;
using Xunit.Abstractions;

namespace DataForge.Core.Tests;

/// <summary>Seeded mutational fuzzing of the image probe every image passes first: a result or a reject, never an exception.</summary>
public sealed class ImageProbeFuzzTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Mutated_images_probe_to_a_result_or_a_reject()
    {
        var seeds = Directory.GetFiles(Path.Combine(RepositoryRoot.Samples, "images"))
            .Where(path => path.EndsWith(".jpg", StringComparison.Ordinal) || path.EndsWith(".png", StringComparison.Ordinal))
            .Select(File.ReadAllBytes).ToList();

        var report = await Fuzzer.RunAsync("images (probe)", seeds, 1500, 31, input =>
        {
            var result = ImageProbe.Probe(input, 20_000_000, withHash: true);
            Assert.True(result.RejectReason is not null || (result.Width > 0 && result.Height > 0), "a probe without a reject has a size");
            return Task.CompletedTask;
        });

        report.AssertNone(log);
    }
}
