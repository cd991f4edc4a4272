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
}
