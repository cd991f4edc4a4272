using DataForge.Core.Media;
using DataForge.Core.Model;
using DataForge.Core.Pipeline;
using DataForge.Core.SampleSets;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;
using DataForge.Testing;

namespace DataForge.Core.Tests;

public sealed class ReadSamplesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> ImageSetAsync()
    {
        var spec = new PipelineSpec("images", [Path.Combine(RepositoryRoot.Samples, "images")], _temp.Combine("first"), [TestPipelines.Stage("read-images"), TestPipelines.Stage("write")], 1, "/");
        await TestPipelines.RunAsync(TestPipelines.Runner(), spec);
        return _temp.Combine("first");
    }

    [Fact]
    public async Task A_set_written_from_another_set_carries_the_media_it_names()
    {
        var first = await ImageSetAsync();
        var spec = new PipelineSpec("copy", [first], _temp.Combine("second"), [TestPipelines.Stage("read-samples"), TestPipelines.Stage("write")], 1, "/");

        var result = await TestPipelines.RunAsync(TestPipelines.Runner(), spec);

        var second = new LocalStorage(_temp.Combine("second"));
        var samples = await SampleSetReader.ReadAsync(second).ToListAsync();
        Assert.Equal(result.Manifest!.Samples, samples.Count);
        Assert.True(samples.Count >= 10);
        var store = new MediaStore(second);
        foreach (var image in samples.SelectMany(sample => sample.Parts).OfType<ImagePart>())
        {
            Assert.True(await store.ContainsAsync(image.Media), $"{MediaStore.PathOf(image.Media)} missing from the new set");
        }
    }

    [Fact]
    public async Task A_sample_whose_media_is_missing_is_rejected_not_written()
    {
        var first = await ImageSetAsync();
        var victim = Directory.GetFiles(Path.Combine(first, "media"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.Delete(victim);
        var spec = new PipelineSpec("copy", [first], _temp.Combine("second"), [TestPipelines.Stage("read-samples"), TestPipelines.Stage("write")], 1, "/");

        var result = await TestPipelines.RunAsync(TestPipelines.Runner(), spec);

        Assert.True(result.Manifest!.Rejects.ByReason["media.missing"] >= 1);
        var samples = await SampleSetReader.ReadAsync(new LocalStorage(_temp.Combine("second"))).ToListAsync();
        Assert.DoesNotContain(samples.SelectMany(sample => sample.Parts).OfType<ImagePart>(), image => victim.Contains(image.Media.Sha256, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unfinished_set_is_refused_unless_allowed()
    {
        var first = await ImageSetAsync();
        File.Delete(Path.Combine(first, "_SUCCESS"));
        var spec = new PipelineSpec("copy", [first], _temp.Combine("second"), [TestPipelines.Stage("read-samples"), TestPipelines.Stage("write")], 1, "/");
        var error = await Assert.ThrowsAsync<DataForgeException>(() => TestPipelines.RunAsync(TestPipelines.Runner(), spec));
        Assert.Contains("incomplete sample set", error.Message, StringComparison.Ordinal);
    }
}
