using DataForge.Speech.Corpus;

namespace DataForge.Speech.Tests;

public sealed class HotwordExtractorTests
{
    private static readonly string[] Broadcast =
    [
        "各位听众早上好，欢迎收听武汉新闻。",
        "今天上午，武汉长江大桥完成了年度检修。",
        "长江大桥的通车时间比原计划提前了两天。",
        "武汉新闻，我们明天再见。",
    ];

    [Fact]
    public void Han_terms_that_recur_in_the_other_utterances_are_hotwords_with_the_longest_form()
    {
        var terms = HotwordExtractor.FromOtherUtterances([Broadcast[0], Broadcast[1], Broadcast[3]]).ToList();

        Assert.Contains("武汉", terms);
        Assert.Contains("武汉新闻", terms);
        Assert.DoesNotContain("汉新", terms);
        Assert.DoesNotContain("长江大桥", terms);
    }

    [Fact]
    public void Latin_proper_nouns_acronyms_and_model_numbers_are_hotwords_and_sentence_openers_are_not()
    {
        var terms = HotwordExtractor.FromOtherUtterances(["Today we visit Shenzhen and the BYD plant.", "The Han EV uses a DM-i motor; 我们在深圳试驾了Model3。"]).ToList();

        Assert.Contains("Shenzhen", terms);
        Assert.Contains("BYD", terms);
        Assert.Contains("Han", terms);
        Assert.Contains("EV", terms);
        Assert.Contains("Model3", terms);
        Assert.DoesNotContain("Today", terms);
        Assert.DoesNotContain("The", terms);
    }

    [Fact]
    public void The_target_transcript_is_never_a_source_of_hotwords()
    {
        var extractor = new HotwordExtractor([], 10, 2, 0);

        var words = extractor.For(["深水埗好多舖頭。", "深水埗好多舖頭。"], 0, "a");
        var alone = extractor.For(["深水埗好多舖頭。"], 0, "b");

        Assert.Empty(alone);
        Assert.Empty(words);
    }

    [Fact]
    public void Glossary_terms_in_the_recording_are_given_and_distractors_are_absent_from_the_target()
    {
        string[] glossary = ["长江大桥", "长安街", "招商银行", "虹桥机场", "銅鑼灣"];
        var extractor = new HotwordExtractor(glossary, 10, 2, 7);

        var words = extractor.For(Broadcast, 2, "cue-3");

        Assert.Contains("长江大桥", words);
        Assert.Contains("武汉", words);
        var distractors = words.Where(word => glossary.Contains(word) && word != "长江大桥").ToList();
        Assert.Equal(2, distractors.Count);
        Assert.All(distractors, word => Assert.DoesNotContain(word, Broadcast[2], StringComparison.Ordinal));
        Assert.Equal(words, extractor.For(Broadcast, 2, "cue-3"));
    }

    [Fact]
    public void The_list_is_capped()
    {
        var extractor = new HotwordExtractor([.. Enumerable.Range(0, 30).Select(i => $"术语{i}")], 3, 5, 0);

        Assert.Equal(3, extractor.For(["术语1 术语2 术语3 术语4 术语5"], 0, "x").Count);
    }
}
