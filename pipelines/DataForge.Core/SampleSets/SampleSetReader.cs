using System.Runtime.CompilerServices;
using DataForge.Core.Model;
using DataForge.Core.Storage;
using Parquet;
using Parquet.Serialization;

namespace DataForge.Core.SampleSets;

/// <summary>Streams the samples of a sample set, part file by part file and row group by row group.</summary>
public static class SampleSetReader
{
    public static async Task<IReadOnlyList<string>> PartFilesAsync(IStorage set, CancellationToken cancellationToken = default)
    {
        var files = new List<string>();
        await foreach (var item in set.ListAsync(string.Empty, cancellationToken))
        {
            if (SampleSetFiles.IsPartFile(item.Path))
            {
                files.Add(item.Path);
            }
        }

        return files;
    }

    public static async IAsyncEnumerable<Sample> ReadAsync(IStorage set, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in await PartFilesAsync(set, cancellationToken))
        {
            await foreach (var sample in ReadFileAsync(set, file, cancellationToken))
            {
                yield return sample;
            }
        }
    }

    public static async IAsyncEnumerable<Sample> ReadFileAsync(IStorage set, string file, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = await set.OpenReadAsync(file, cancellationToken);
        int rowGroups;
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken);
            rowGroups = reader.RowGroupCount;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            throw new DataForgeException($"{StoragePaths.Join(set.Uri, file)} is not a readable Parquet file: {e.Message}", e);
        }

        for (var group = 0; group < rowGroups; group++)
        {
            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeAsync<SampleRow>(stream, rowGroupIndex: group, cancellationToken: cancellationToken);
            foreach (var row in rows.Data)
            {
                yield return SampleRowMapper.FromRow(row, StoragePaths.Join(set.Uri, file));
            }
        }
    }
}
