using DataForge.Testing;
using DataForge.Training.Data;
using DataForge.Training.Model;
using DataForge.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DataForge.Training.Tests;

/// <summary>The GPU-shaped pieces (flat AdamW, batched expert dispatch, safetensors) against plain references.</summary>
public sealed class KernelsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Flat_adamw_takes_the_same_steps_as_torch_adamw_with_clipping()
    {
        manual_seed(1);
        var reference = new[] { randn(5, 3), randn(4, 2) }.Select(t => new Parameter(t)).ToList();
        var flat = reference.Select(p => new Parameter(p.detach().clone())).ToList();
        var adamw = optim.AdamW(reference, 0.01, 0.9, 0.95, 1e-8, 0.1);
        using var ours = new FlatAdamW(flat, 0.9, 0.95, 1e-8, 0.1);

        for (var step = 0; step < 5; step++)
        {
            var lr = 0.01 * (step + 1);
            foreach (var group in adamw.ParamGroups)
            {
                group.LearningRate = lr;
            }

            adamw.zero_grad();
            ours.ZeroGrad();
            var target = randn(5, 3);
            var loss = Loss(reference, target);
            loss.backward();
            Loss(flat, target).backward();
            var expectedNorm = nn.utils.clip_grad_norm_(reference, 0.5);
            adamw.step();
            var norm = ours.Step(lr, 0.5).item<float>();

            Assert.True(Math.Abs(expectedNorm - norm) < 1e-5 * expectedNorm, $"grad norm {norm}, torch {expectedNorm}");
            for (var i = 0; i < reference.Count; i++)
            {
                var difference = (reference[i] - flat[i]).abs().max().item<float>();
                Assert.True(difference < 1e-6, $"step {step} parameter {i}: {difference}");
            }
        }

        static Tensor Loss(IReadOnlyList<Parameter> p, Tensor target) => ((p[0] * 3).pow(2) - target).pow(2).sum() + p[1].sin().sum();
    }

    [Fact]
    public void Batched_expert_dispatch_equals_running_each_token_through_its_experts()
    {
        manual_seed(2);
        var config = ModelConfig.Preset("tiny", SyntheticShards.Vocabulary);
        using var moe = new MixtureOfExperts("moe", config, new ComputePrecision());
        using (no_grad())
        {
            moe.Bias.copy_(tensor(new float[] { 0.3f, -0.2f, 0.1f, 0f }));
        }

        var row = SyntheticShards.Row(new Random(3), 40, 13, 11, 9);
        using var batch = TrainingBatch.From([row]);
        using var noGrad = no_grad();
        var x = randn(40, config.Dim);

        var (output, stats) = moe.Forward(x, batch);

        var named = moe.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var gateUp = named["experts_gate_up"];
        var down = named["experts_down"];
        var routers = named["router.weight"].view(MixtureOfExperts.Modalities, config.Experts, config.Dim);
        var modality = row.Modality;
        var bias = moe.Bias.data<float>().ToArray();
        var load = new long[config.Experts];
        for (var t = 0; t < 40; t++)
        {
            var token = x[t];
            var expected = Shared(token);
            if (modality[t] != 255)
            {
                var probabilities = nn.functional.softmax(routers[modality[t]].matmul(token), 0).data<float>().ToArray();
                var chosen = Enumerable.Range(0, config.Experts).OrderByDescending(e => probabilities[e] + bias[e]).Take(config.TopK).ToArray();
                var total = chosen.Sum(e => probabilities[e]);
                foreach (var e in chosen)
                {
                    load[e]++;
                    var h = token.matmul(gateUp[e]);
                    var hidden = nn.functional.silu(h.narrow(0, 0, config.ExpertDim)) * h.narrow(0, config.ExpertDim, config.ExpertDim);
                    expected = expected + (hidden.matmul(down[e]) * (probabilities[e] / total));
                }
            }

            var difference = (output[t] - expected).abs().max().item<float>();
            Assert.True(difference < 1e-5, $"token {t}: {difference}");
        }

        Assert.Equal(load, stats.ExpertTokens.data<long>().ToArray());

        Tensor Shared(Tensor token)
        {
            var h = nn.functional.linear(token, named["shared.gate_up.weight"]);
            var hidden = nn.functional.silu(h.narrow(0, 0, config.ExpertDim)) * h.narrow(0, config.ExpertDim, config.ExpertDim);
            return nn.functional.linear(hidden, named["shared.down.weight"]);
        }
    }

    [Fact]
    public void The_chunked_loss_gives_the_same_loss_and_gradients_as_the_whole_one()
    {
        manual_seed(6);
        using var model = new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary));
        using var batch = TrainingBatch.From([SyntheticShards.Row(new Random(8), 48, 20, 12, 9), SyntheticShards.Row(new Random(9), 48, 30, 10)]);

        (float Loss, float[][] Gradients) Run(int chunk)
        {
            foreach (var p in model.parameters())
            {
                p.grad?.zero_();
            }

            using var scope = NewDisposeScope();
            var result = model.Forward(batch);
            var aux = stack(result.Routing.Select(r => r.AuxLoss)).sum();
            var lm = ChunkedLoss.Backward(model, result.Hidden, aux, batch, 0.01, 0.5, chunk);
            return (lm.item<float>(), [.. model.parameters().Select(p => p.grad is null ? [] : p.grad.data<float>().ToArray())]);
        }

        var whole = Run(0);
        var chunked = Run(7);

        Assert.True(batch.Counts.Targets > 7 * 3);
        Assert.Equal(whole.Loss, chunked.Loss, 4);
        for (var p = 0; p < whole.Gradients.Length; p++)
        {
            Assert.Equal(whole.Gradients[p].Length, chunked.Gradients[p].Length);
            var scale = whole.Gradients[p].Select(Math.Abs).DefaultIfEmpty(0).Max();
            var difference = whole.Gradients[p].Zip(chunked.Gradients[p], (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            Assert.True(difference <= 1e-4 * Math.Max(scale, 1e-3), $"parameter {p}: difference {difference}, scale {scale}");
        }

        Assert.Contains(whole.Gradients, g => g.Any(v => v != 0));
    }

    [Fact]
    public void Safetensors_round_trip_with_a_header_other_tools_read()
    {
        var path = _temp.Combine("weights.safetensors");
        using var weights = arange(12, dtype: float32).view(3, 4);
        using var counts = tensor(new long[] { 5, -7 });

        SafeTensors.Write(path, [("a.weight", weights), ("counts", counts)], new Dictionary<string, string> { ["steps"] = "3" });
        var read = SafeTensors.Read(path);

        var bytes = File.ReadAllBytes(path);
        var headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        var header = System.Text.Json.Nodes.JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))!;
        Assert.Equal("F32", (string)header["a.weight"]!["dtype"]!);
        Assert.Equal("[0,48]", header["a.weight"]!["data_offsets"]!.ToJsonString());
        Assert.Equal("[48,64]", header["counts"]!["data_offsets"]!.ToJsonString());
        Assert.Equal("3", (string)header["__metadata__"]!["steps"]!);
        Assert.Equal(8 + headerLength + 64, bytes.Length);
        Assert.Equal(weights.data<float>().ToArray(), read["a.weight"].data<float>().ToArray());
        Assert.Equal([5L, -7L], read["counts"].data<long>().ToArray());
    }

    [Fact]
    public void A_checkpoint_of_another_shape_is_refused_with_the_reason()
    {
        var path = _temp.Combine("other.safetensors");
        manual_seed(0);
        using var small = new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary));
        using var wider = new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary) with { Experts = 8 });
        Checkpoints.SaveWeights(path, wider);

        var error = Assert.Throws<DataForge.Core.DataForgeException>(() => Checkpoints.LoadWeights(path, small));
        Assert.Contains("does not fit this model", error.Message);
    }
}
