using System.Buffers.Binary;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Packing.Export;

/// <summary>What the export wrote. <paramref name="EndsAdded"/>: documents that did not end with the end-of-document token and got one.</summary>
public sealed record MegatronExportResult(long Sequences, long Tokens, byte DtypeCode, long BinBytes, long IdxBytes, long EndsAdded = 0);

/// <summary>
/// What the user accepts to lose, since the indexed dataset holds token ids and nothing else: the media behind
/// image and audio placeholders, and the loss mask of instruction data (pack's <c>loss: targets</c>).
/// </summary>
public sealed record MegatronExportOptions(bool KeepPlaceholders = false, bool DropLossMask = false);

/// <summary>
/// Writes the documents of a shard set as Megatron-LM's indexed dataset (megatron/core/datasets/indexed_dataset.py,
/// the format tools/preprocess_data.py writes): <c>PREFIX.bin</c> holds the token ids back to back;
/// <c>PREFIX.idx</c> holds the header <c>MMIDIDX\0\0</c>, version 1 (uint64), the dtype code (uint8: 4 = int32,
/// 8 = uint16), the sequence and document counts (uint64), then int32 sequence lengths, int64 byte offsets and int64
/// document indices starting at 0. Each document (each cu_seqlens segment) is one sequence and one document, and ends
/// with the end-of-document token: Megatron's GPTDataset concatenates documents in a shuffled order and knows their
/// boundaries only from that token, so a chunk of a long document (split_long_text) or a document packed with
/// end_of_document off gets one appended. Shards with media or a loss mask are refused unless the loss is accepted.
/// </summary>
public static class MegatronExporter
{
    private static readonly byte[] Header = "MMIDIDX\0\0"u8.ToArray();

    public static async Task<MegatronExportResult> ExportAsync(IStorage shards, string prefix, CancellationToken cancellationToken = default) =>
        await ExportAsync(shards, prefix, new MegatronExportOptions(), cancellationToken);

    public static async Task<MegatronExportResult> ExportAsync(IStorage shards, string prefix, MegatronExportOptions options, CancellationToken cancellationToken = default)
    {
        var index = await ShardReader.ReadIndexAsync(shards, cancellationToken);
        Refuse(index, options);
        var endOfDocument = index.Tokenizer.EndOfDocumentId;
        long endsAdded = 0;
        // Megatron picks uint16 when the vocabulary fits in 65535 ids, else int32 (DType.optimal_dtype).
        var wide = index.Tokenizer.VocabSize > 65_535;
        var dtypeCode = wide ? (byte)4 : (byte)8;
        var itemSize = wide ? 4 : 2;
        var sizes = new List<int>();
        var binPath = prefix + ".bin";
        var idxPath = prefix + ".idx";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(binPath))!);
        long tokens = 0;
        var binTemp = binPath + ".tmp";
        await using (var bin = new FileStream(binTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
        {
            var buffer = new byte[(index.SeqLen + 1) * itemSize];
            await foreach (var (_, row) in ShardReader.ReadRowsAsync(shards, index, cancellationToken))
            {
                for (var d = 0; d + 1 < row.CuSeqlens.Length; d++)
                {
                    var start = row.CuSeqlens[d];
                    var stored = row.CuSeqlens[d + 1] - start;
                    var endless = stored == 0 || row.InputIds[start + stored - 1] != endOfDocument;
                    var length = endless ? stored + 1 : stored;
                    endsAdded += endless ? 1 : 0;
                    for (var i = 0; i < length; i++)
                    {
                        var id = i < stored ? row.InputIds[start + i] : endOfDocument;
                        if (wide)
                        {
                            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(i * 4), id);
                        }
                        else
                        {
                            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(i * 2), checked((ushort)id));
                        }
                    }

                    await bin.WriteAsync(buffer.AsMemory(0, length * itemSize), cancellationToken);
                    sizes.Add(length);
                    tokens += length;
                }
            }
        }

        var idxTemp = idxPath + ".tmp";
        await using (var idx = new FileStream(idxTemp, FileMode.Create, FileAccess.Write))
        await using (var writer = new BinaryWriter(idx))
        {
            writer.Write(Header);
            writer.Write(1UL);
            writer.Write(dtypeCode);
            writer.Write((ulong)sizes.Count);
            writer.Write((ulong)sizes.Count + 1);
            foreach (var size in sizes)
            {
                writer.Write(size);
            }

            long pointer = 0;
            foreach (var size in sizes)
            {
                writer.Write(pointer);
                pointer += (long)size * itemSize;
            }

            for (long document = 0; document <= sizes.Count; document++)
            {
                writer.Write(document);
            }
        }

        File.Move(binTemp, binPath, overwrite: true);
        File.Move(idxTemp, idxPath, overwrite: true);
        return new MegatronExportResult(sizes.Count, tokens, dtypeCode, new FileInfo(binPath).Length, new FileInfo(idxPath).Length, endsAdded);
    }

    /// <summary>Names what the format cannot carry, unless the options accept losing it.</summary>
    private static void Refuse(ShardIndex index, MegatronExportOptions options)
    {
        var media = index.TokensByModality.Where(pair => pair.Key is "image" or "audio" or "video" && pair.Value > 0).ToList();
        if (media.Count > 0 && !options.KeepPlaceholders)
        {
            throw new UsageException(
                $"the shards hold {string.Join(" and ", media.Select(pair => $"{pair.Value:N0} {pair.Key} placeholder tokens"))}; Megatron's indexed dataset holds token ids only, so the media would be lost: pass --keep-placeholders to export the placeholders as plain ids");
        }

        if (index.Layout.Loss == "targets" && !options.DropLossMask)
        {
            throw new UsageException(
                $"the shards carry a loss mask (loss: targets, {index.LossTokens:N0} of {index.RealTokens:N0} tokens); Megatron's indexed dataset has none, so every exported token would carry loss: pass --drop-loss-mask to export anyway");
        }
    }
}
