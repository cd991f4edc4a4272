using DataForge.Speech.Text;

namespace DataForge.Speech.Tests;

public sealed class DialectTaxonomyTests
{
    [Theory]
    [InlineData("cmn", "cmn")]
    [InlineData("Mandarin", "cmn")]
    [InlineData("普通话", "cmn")]
    [InlineData("zh-CN", "cmn")]
    [InlineData("Cantonese", "yue")]
    [InlineData("粤语", "yue")]
    [InlineData("廣東話", "yue")]
    [InlineData("zh-yue", "yue")]
    [InlineData("yue-Hant-HK", "yue")]
    [InlineData("Hokkien", "nan")]
    [InlineData("Taiwanese", "nan")]
    [InlineData("闽南话", "nan")]
    [InlineData("nan-TW", "nan")]
    [InlineData("Hakka", "hak")]
    [InlineData("客家话", "hak")]
    [InlineData("hak-Latn", "hak")]
    [InlineData("Shanghainese", "wuu")]
    [InlineData("Hunanese", "hsn")]
    [InlineData("湘语", "hsn")]
    [InlineData("Gan", "gan")]
    [InlineData("晋语", "cjy")]
    [InlineData("Fuzhounese", "cdo")]
    [InlineData("Sichuanese", "cmn-sichuan")]
    [InlineData("四川话", "cmn-sichuan")]
    [InlineData("Northeastern Mandarin", "cmn-northeast")]
    [InlineData("东北话", "cmn-northeast")]
    [InlineData("  CANTONESE ", "yue")]
    [InlineData("min_nan", "nan")]
    public void People_s_labels_map_to_one_code(string label, string code) =>
        Assert.Equal(code, DialectTaxonomy.Resolve(label)?.Code);

    [Theory]
    [InlineData("Klingon")]
    [InlineData("")]
    [InlineData("qq-US")] // en-US is a language now (LanguageCodesTests); qq is no language
    [InlineData("zh-xyz")]
    public void Unknown_labels_are_not_guessed(string label) => Assert.Null(DialectTaxonomy.Resolve(label));

    [Fact]
    public void Every_code_resolves_to_itself_and_has_names() =>
        Assert.All(DialectTaxonomy.All, dialect =>
        {
            Assert.Equal(dialect.Code, DialectTaxonomy.Resolve(dialect.Code)!.Code);
            Assert.Equal(dialect.Code, DialectTaxonomy.Resolve(dialect.Chinese)!.Code);
            Assert.Equal(dialect.Code, DialectTaxonomy.Resolve(dialect.English)!.Code);
        });
}
