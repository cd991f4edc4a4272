using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataForge.Core;
using static TorchSharp.torch;

namespace DataForge.Training.Training;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Checkpoints use it so that any PyTorch, JAX or
/// Hugging Face tool can open the weights. Float32, bfloat16 and int64 tensors are written; tensors are written in the
/// order given and copied to the CPU one at a time.
/// </summary>
public static class SafeTensors
{
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = new JsonObject([.. metadata.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)JsonValue.Create(pair.Value)))]);
        }

        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            var bytes = tensor.numel() * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.dtype),
                ["shape"] = new JsonArray([.. tensor.shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, padded);
            stream.Write(length);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }

            foreach (var (_, tensor) in list)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The file's <c>__metadata__</c> strings (empty when it has none).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        var (header, _) = ReadHeader(stream, path);
        return header["__metadata__"] is JsonObject metadata
            ? metadata.ToDictionary(pair => pair.Key, pair => pair.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
            : [];
    }

    /// <summary>Every tensor of the file, on the CPU, by name.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var (header, dataStart) = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is not JsonObject entry)
            {
                continue;
            }

            var dtype = ParseDtype(entry["dtype"]?.GetValue<string>(), path, name);
            var (shape, offsets) = Extent(entry, path, name, stream.Length - dataStart);
            var bytes = new byte[offsets[1] - offsets[0]];
            stream.Position = dataStart + offsets[0];
            stream.ReadExactly(bytes);
            var tensor = empty(shape, dtype: dtype);
            if (tensor.numel() * tensor.ElementSize != bytes.Length)
            {
                throw new DataForgeException($"{path}: tensor {name} has {bytes.Length} bytes for shape [{string.Join(", ", shape)}]");
            }

            bytes.CopyTo(tensor.bytes);
            result[name] = tensor;
        }

        return result;
    }

    /// <summary>
    /// A tensor's shape and data offsets, checked before anything is allocated: a header from elsewhere may claim a
    /// shape of 2^60 elements or offsets past the file's end (the safetensors format requires offsets inside the data
    /// section, begin ≤ end).
    /// </summary>
    private static (long[] Shape, long[] Offsets) Extent(JsonObject entry, string path, string name, long dataLength)
    {
        try
        {
            var shape = (entry["shape"] as JsonArray ?? throw new FormatException("no shape")).Select(d => d!.GetValue<long>()).ToArray();
            var offsets = (entry["data_offsets"] as JsonArray ?? throw new FormatException("no data_offsets")).Select(d => d!.GetValue<long>()).ToArray();
            long elements = 1;
            foreach (var dimension in shape)
            {
                elements = dimension < 0 ? throw new FormatException($"a negative dimension {dimension}") : checked(elements * dimension);
            }

            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
            {
                throw new FormatException($"data_offsets [{string.Join(", ", offsets)}] outside the {dataLength:N0} bytes of data");
            }

            return (shape, offsets);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or NullReferenceException)
        {
            throw new DataForgeException($"{path}: tensor {name} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The JSON header and where the data starts.</summary>
    private static (JsonObject Header, long DataStart) ReadHeader(Stream stream, string path)
    {
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(length);
        if (headerLength < 2 || headerLength > 100_000_000 || headerLength > stream.Length - 8)
        {
            throw new DataForgeException($"{path} is not a safetensors file (header length {headerLength})");
        }

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        try
        {
            return (JsonNode.Parse(json)?.AsObject() ?? throw new DataForgeException($"{path}: empty safetensors header"), 8 + headerLength);
        }
        catch (JsonException e)
        {
            throw new DataForgeException($"{path}: the safetensors header is not JSON ({e.Message})", e);
        }
    }

    private static string DtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Int64 => "I64",
        ScalarType.Byte => "U8",
        _ => throw new ArgumentException($"safetensors: {type} is not written here"),
    };

    private static ScalarType ParseDtype(string? name, string path, string tensor) => name switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "I64" => ScalarType.Int64,
        "U8" => ScalarType.Byte,
        _ => throw new DataForgeException($"{path}: tensor {tensor} has dtype {name ?? "(none)"}, which DataForge does not read"),
    };
}
