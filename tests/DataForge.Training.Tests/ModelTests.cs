using DataForge.Packing.Shards;
using DataForge.Training.Data;
using DataForge.Training.Model;
using TorchSharp;
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
        return model.Forward(batch).Hidden.data<float>().ToArray();
    }

    [Fact]
    public void The_layout_buckets_documents_by_length_and_puts_every_token_back_in_place()
    {
        // Two rows of 40: documents of 3, 20 and 9 tokens then 8 of padding; 40 tokens; 17 then 23 of padding.
        using var layout = AttentionLayout.From([[0, 3, 23, 32], [0, 40]], 40);

        Assert.Equal([(16, 2), (32, 1), (64, 1)], layout.Buckets.Select(b => (b.Length, b.Documents)));
        var gathered = layout.Buckets.Select(b => b.Gather.data<long>().ToArray()).ToList();
        Assert.Equal([0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], gathered[0][..16]);
        Assert.Equal(Enumerable.Range(23, 9).Select(i => (long)i), gathered[0][16..25]);
        Assert.Equal(Enumerable.Range(3, 20).Select(i => (long)i), gathered[1][..20]);
        Assert.Equal(Enumerable.Range(40, 40).Select(i => (long)i), gathered[2][..40]);

        var scatter = layout.Scatter.data<long>().ToArray();
        var rows = gathered.SelectMany(g => g).ToArray();
        for (var token = 0; token < 80; token++)
        {
            var padding = token is >= 32 and < 40;
            if (padding)
            {
                Assert.Equal(rows.Length, scatter[token]);
            }
            else
            {
                Assert.Equal(token, rows[scatter[token]]);
            }
        }

        Assert.Equal((3 * 4 / 2) + (20 * 21 / 2) + (9 * 10 / 2) + (40 * 41 / 2), layout.AttentionPairs);
    }

    [Fact]
    public void Per_document_attention_equals_masked_attention_over_the_whole_row()
    {
        manual_seed(4);
        var row = SyntheticShards.Row(new Random(5), 64, 30, 5, 17);
        using var batch = TrainingBatch.From([row]);
        var config = ModelConfig.Preset("tiny", SyntheticShards.Vocabulary);
        using var attention = new Attention("attention", config, new ComputePrecision());
        using var noGrad = no_grad();
        var x = randn(1, 64, config.Dim);
        var (cos, sin) = Rotary.Angles(batch.Positions, config.HeadDim, config.RopeTheta);

        var bucketed = attention.Forward(x, cos, sin, batch.Layout);

        // Reference: the same projections through one SDPA call with a block-diagonal causal mask built by hand.
        var named = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var q = Rotary.Apply(nn.functional.linear(x, named["query.weight"]).view(64, config.Heads, config.HeadDim), cos, sin).transpose(0, 1).unsqueeze(0);
        var k = Rotary.Apply(nn.functional.linear(x, named["key.weight"]).view(64, config.KvHeads, config.HeadDim), cos, sin).transpose(0, 1).unsqueeze(0);
        var v = nn.functional.linear(x, named["value.weight"]).view(64, config.KvHeads, config.HeadDim).transpose(0, 1).unsqueeze(0);
        k = k.repeat_interleave(config.Heads / config.KvHeads, dim: 1);
        v = v.repeat_interleave(config.Heads / config.KvHeads, dim: 1);
        var allowed = new bool[64 * 64];
        int[] starts = [0, 30, 35, 52];
        for (var i = 0; i < 64; i++)
        {
            var start = starts.Last(s => s <= i);
            for (var j = start; j <= i; j++)
            {
                allowed[(i * 64) + j] = true;
            }
        }

        var masked = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: tensor(allowed, [1, 1, 64, 64]));
        var reference = nn.functional.linear(masked.transpose(1, 2).reshape(1, 64, -1), named["output.weight"]);

        var difference = (bucketed.narrow(1, 0, 52) - reference.narrow(1, 0, 52)).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"max difference {difference}");
        Assert.Equal(0, bucketed.narrow(1, 52, 12).abs().max().item<float>());
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
    public void A_model_moved_with_to_uses_the_moved_parameters()
    {
        // to(device) or to(dtype) replaces parameter tensors; a module holding its own reference would use a disposed one.
        using var model = Tiny();
        var row = SyntheticShards.Row(new Random(3), 32, 20, 8);
        var before = Hidden(model, row);

        model.to(ScalarType.Float64).to(ScalarType.Float32);

        Assert.Equal(before, Hidden(model, row));
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

        var routing = model.Forward(batch).Routing;

        var byModality = routing[0].ModalityExpertTokens.data<long>().ToArray();
        Assert.Equal(20 * 2, byModality[..4].Sum());
        Assert.Equal(20 * 2, byModality[4..8].Sum());
        Assert.Equal(20 * 2, byModality[8..].Sum());
        Assert.Equal(60 * 2, routing[0].ExpertTokens.data<long>().ToArray().Sum());
    }
}
