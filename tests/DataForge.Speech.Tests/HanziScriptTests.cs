using DataForge.Speech.Text;

namespace DataForge.Speech.Tests;

public sealed class HanziScriptTests
{
    [Fact]
    public void Keep_leaves_dialect_text_as_it_is() => Assert.Equal("前面轉左就係銅鑼灣站。", HanziScript.For("keep")("前面轉左就係銅鑼灣站。"));

    [Fact]
    public void Traditional_to_simplified_maps_characters_and_leaves_dialect_characters_without_a_pair()
    {
        // 係 (Cantonese "is") becomes 系 as OpenCC maps it: one reason the mapping is off by default.
        Assert.Equal("前面转左就系铜锣湾站。", HanziScript.For("simplified")("前面轉左就係銅鑼灣站。"));
        Assert.Equal("𠊎屋下有五只人。", HanziScript.For("simplified")("𠊎屋下有五隻人。"));
    }

    [Fact]
    public void Simplified_to_traditional_takes_the_common_reading()
    {
        Assert.Equal("今天天氣晴朗，氣溫二十五度。", HanziScript.For("traditional")("今天天气晴朗，气温二十五度。"));
        Assert.Equal("後來", HanziScript.For("traditional")("后来"));
    }

    [Fact]
    public void Latin_text_and_punctuation_pass_through() =>
        Assert.Equal("GPU 模型 v2.0!", HanziScript.For("simplified")("GPU 模型 v2.0!"));
}
