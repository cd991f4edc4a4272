using DataForge.Speech.Text;

namespace DataForge.Speech.Tests;

public sealed class TranscriptNormalizerTests
{
    [Theory]
    [InlineData("ＡＢＣ １２３", "ABC 123")]
    [InlineData("今天天气很好,我们去公园吧.", "今天天气很好，我们去公园吧。")]
    [InlineData("今天 天气 很好", "今天天气很好")]
    [InlineData("你好？ 我係广州人！", "你好？我係广州人！")]
    [InlineData("“Hello”  —  world…", "\"Hello\" - world...")]
    [InlineData("version 2.5, ok.", "version 2.5, ok.")]
    [InlineData("臺灣 經濟", "臺灣經濟")]
    public void Text_is_normalised_without_changing_what_was_said(string input, string expected) =>
        Assert.Equal(expected, TranscriptNormalizer.Normalize(input).Text);

    [Fact]
    public void Annotation_tags_are_removed_and_kept()
    {
        var result = TranscriptNormalizer.Normalize("[noise] 我哋去 <unk> 饮茶 (laughter) 啦");

        Assert.Equal("我哋去饮茶啦", result.Text);
        Assert.Equal(["noise", "unk", "laughter"], result.Tags);
    }

    [Fact]
    public void Characters_and_words_are_counted_for_speech_rates()
    {
        Assert.Equal((4, 0), TranscriptNormalizer.Count("今天很好"));
        Assert.Equal((2, 3), TranscriptNormalizer.Count("hello 你好 big world"));
    }
}
