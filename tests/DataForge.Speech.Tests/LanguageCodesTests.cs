using DataForge.Speech.Text;

namespace DataForge.Speech.Tests;

/// <summary>
/// Issue 22: asr takes any language by ISO 639-1, ISO 639-3, ISO 639-2/B, English name or BCP-47 tag, resolved with
/// Debian iso-codes' copy of SIL's ISO 639-3 tables (tools/make-languages.py), while Chinese dialects keep the taxonomy.
/// </summary>
public sealed class LanguageCodesTests
{
    [Theory]
    [InlineData("en", "eng", "English", "英语")]
    [InlineData("eng", "eng", "English", "英语")]
    [InlineData("en-US", "eng", "English", "英语")]
    [InlineData("EN_gb", "eng", "English", "英语")]
    [InlineData("English", "eng", "English", "英语")]
    [InlineData("ja", "jpn", "Japanese", "日语")]
    [InlineData("ja-JP", "jpn", "Japanese", "日语")]
    [InlineData("fre", "fra", "French", "法语")]
    [InlineData("pt-BR", "por", "Portuguese", "葡萄牙语")]
    [InlineData("sr-Latn-RS", "srp", "Serbian", "塞尔维亚语")]
    [InlineData("sw", "swa", "Swahili (macrolanguage)", "Swahili (macrolanguage)")]
    public void Languages_resolve_to_their_ISO_639_3_code_and_names(string label, string code, string english, string chinese)
    {
        var language = DialectTaxonomy.Resolve(label);
        Assert.NotNull(language);
        Assert.Equal((code, english, chinese), (language.Code, language.English, language.Chinese));
    }

    [Theory]
    [InlineData("zh", "cmn")]
    [InlineData("zh-HK", "yue")]
    [InlineData("yue", "yue")]
    [InlineData("Cantonese", "yue")]
    [InlineData("Sichuanese", "cmn-sichuan")]
    [InlineData("nan-TW", "nan")]
    public void Chinese_dialects_keep_the_taxonomy(string label, string code) => Assert.Equal(code, DialectTaxonomy.Resolve(label)?.Code);

    [Theory]
    [InlineData("elvish")]
    [InlineData("xx")]
    [InlineData("")]
    [InlineData("en1")]
    public void Other_labels_are_unknown(string label) => Assert.Null(DialectTaxonomy.Resolve(label));

    [Fact]
    public void The_table_holds_every_living_language() => Assert.InRange(LanguageCodes.Count, 7000, 8000);
}
