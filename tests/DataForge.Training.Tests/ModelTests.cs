using DataForge.Packing.Shards;
using DataForge.Training.Data;
using DataForge.Training.Model;
using static TorchSharp.torch;

namespace DataForge.Training.Tests;

public sealed class ModelTests
{
    private static OmniMoeModel Tiny(long seed = 0)
    {
        manual_seed(seed);
        return new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary));
    }

    private static float[] Hidden(OmniMoeModel model, ShardRow row)
    {
        using var noGrad = no_grad();
        using var batch = TrainingBatch.From([row]);
        using var scope = NewDisposeScope();
        return model.Forward(batch.InputIds, batch.Positions, batch.Modality, batch.Mask).Hidden.data<float>().ToArray();
    }

    [Fact]
    public void The_mask_is_causal_within_documents_and_padding_sees_only_itself()
    {
        var mask = new bool[7 * 7];
        TrainingBatch.FillMask(mask, [0, 3, 5], 7);

        string Row(int i) => string.Concat(Enumerable.Range(0, 7).Select(j => mask[(i * 7) + j] ? '1' : '.'));
        Assert.Equal(["1......", "11.....", "111....", "...1...", "...11..", ".....1.", "......1"], Enumerable.Range(0, 7).Select(Row));
    }

    [Fact]
    public void Changing_one_document_changes_no_other_documents_states_in_the_row()
    {
        using var model = Tiny();
        var row = SyntheticShards.Row(new Random(3), 48, 20, 16, 8);
        var changed = SyntheticShards.Row(new Random(3), 48, 20, 16, 8);
        for (var i = 20; i < 36; i++)
        {
            changed.InputIds[i] = (changed.InputIds[i] + 7) % SyntheticShards.Vocabulary;
        }

        var before = Hidden(model, row);
        var after = Hidden(model, changed);

        var dim = model.Config.Dim;
        Assert.Equal(before[..(20 * dim)], after[..(20 * dim)]);
        Assert.Equal(before[(36 * dim)..(44 * dim)], after[(36 * dim)..(44 * dim)]);
        Assert.NotEqual(before[(20 * dim)..(36 * dim)], after[(20 * dim)..(36 * dim)]);
    }

    [Fact]
    public void Targets_are_next_tokens_and_never_cross_a_document_start()
    {
        var row = SyntheticShards.Row(new Random(1), 12, 5, 4);
        using var batch = TrainingBatch.From([row]);

        var targets = batch.Targets.data<long>().ToArray();
        Assert.Equal(row.InputIds[1..5].Select(id => (long)id), targets[..4]);
        Assert.Equal(-100, targets[4]);
        Assert.Equal(row.InputIds[6..9].Select(id => (long)id), targets[5..8]);
        Assert.All(targets[8..], target => Assert.Equal(-100, target));
    }

    [Fact]
    public void Modality_routers_route_each_modality_with_its_own_router()
    {
        using var model = Tiny();
        var row = SyntheticShards.Row(new Random(2), 60, 20, 20, 20);
        using var batch = TrainingBatch.From([row]);
        using var scope = NewDisposeScope();

        var routing = model.Forward(batch.InputIds, batch.Positions, batch.Modality, batch.Mask).Routing;

        var byModality = routing[0].ModalityExpertTokens.data<long>().ToArray();
        Assert.Equal(20 * 2, byModality[..4].Sum());
        Assert.Equal(20 * 2, byModality[4..8].Sum());
        Assert.Equal(20 * 2, byModality[8..].Sum());
        Assert.Equal(60 * 2, routing[0].ExpertTokens.data<long>().ToArray().Sum());
    }
}
