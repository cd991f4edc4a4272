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

    [Theory]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1073741824, 1073741824, 1073741824], \"data_offsets\": [0, 4]}}", "cannot be read")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4611686018427387904]}}", "outside the 4 bytes of data")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "a negative dimension")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [4, 0]}}", "no shape")]
    public void A_safetensors_header_that_lies_is_an_error_naming_the_file_not_an_allocation_or_a_trace(string header, string expected)
    {
        var path = _temp.Combine("lies.safetensors");
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataForge.Core.DataForgeException>(() => SafeTensors.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
