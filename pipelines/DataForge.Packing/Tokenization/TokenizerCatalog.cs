using DataForge.Core;

namespace DataForge.Packing.Tokenization;

/// <summary>Resolves a tokenizer option: an encoding name (<c>cl100k_base</c>, <c>o200k_base</c>) or a tokenizer.json path.</summary>
public static class TokenizerCatalog
{
    public static ITextTokenizer Load(string nameOrPath, string baseDirectory)
    {
        if (TiktokenEncoding.TryLoad(nameOrPath) is { } encoding)
        {
            return encoding;
        }

        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var path = Path.GetFullPath(nameOrPath, baseDirectory);
            return File.Exists(path) ? HuggingFaceBpe.Load(path) : throw new UsageException($"tokenizer file not found: {nameOrPath}");
        }

        throw new UsageException($"unknown tokenizer '{nameOrPath}' (use {string.Join(", ", TiktokenEncoding.KnownEncodings)} or a Hugging Face tokenizer.json)");
    }

    /// <summary>The tokenizer a shard set was made with: its tokenizer.json copy, or the named encoding.</summary>
    public static async Task<ITextTokenizer> LoadForShardsAsync(DataForge.Core.Storage.IStorage folder, Shards.ShardIndex index, CancellationToken cancellationToken = default)
    {
        if (index.Tokenizer.File is { } file)
        {
            await using var stream = await folder.OpenReadAsync(file, cancellationToken);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return HuggingFaceBpe.Load(buffer.ToArray(), DataForge.Core.Storage.StoragePaths.Join(folder.Uri, file));
        }

        return TiktokenEncoding.TryLoad(index.Tokenizer.Name)
            ?? throw new DataForgeException($"{folder.Uri}: the shards name tokenizer '{index.Tokenizer.Name}' and hold no tokenizer file");
    }
}
