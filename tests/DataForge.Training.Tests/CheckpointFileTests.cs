using System.Buffers.Binary;
using System.Text.Json;
using DataForge.Testing;
using DataForge.Training.Model;
using DataForge.Training.Training;
using static TorchSharp.torch;

namespace DataForge.Training.Tests;

/// <summary>
/// model.safetensors read with a reader of the test's own (the safetensors format: an 8-byte little-endian header
/// length, a JSON header of name → dtype, shape, data_offsets, then the bytes; huggingface/safetensors README),
/// not the trainer's: one tensor per parameter or buffer, each under its PyTorch-style name.
/// </summary>
public sealed class CheckpointFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_checkpoint_holds_each_parameter_once_under_its_PyTorch_style_name(bool modalityRouting)
    {
        manual_seed(0);
        using var model = new OmniMoeModel(ModelConfig.Preset("tiny", SyntheticShards.Vocabulary) with { ModalityRouting = modalityRouting });
        var path = _temp.Combine("model.safetensors");
        Checkpoints.SaveWeights(path, model);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var tensors = header.RootElement.EnumerateObject().Where(entry => entry.Name != "__metadata__").ToList();
        var elements = tensors.Sum(entry => entry.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (product, side) => product * side.GetInt64()));
        var dataEnd = tensors.Max(entry => entry.Value.GetProperty("data_offsets")[1].GetInt64());

        var parameters = model.parameters().Sum(parameter => parameter.numel());
        var buffers = model.buffers().Sum(buffer => buffer.numel());
        Assert.Equal(parameters + buffers, elements);
        Assert.Equal(bytes.Length - 8 - headerLength, dataEnd);
        var private_ = tensors.Select(entry => entry.Name).Where(name => name.Split('.').Any(segment => segment.StartsWith('_') || segment.Any(char.IsUpper))).ToList();
        Assert.True(private_.Count == 0, $"{private_.Count} names are not PyTorch-style, e.g. {string.Join(", ", private_.Take(5))}");
    }
}
