using DataForge.Core.Stages.ReadTable;
using DataForge.Core.Storage;

namespace DataForge.Core.Stages.ReadChat;

/// <summary>Tells a conversation file from a table, for commands that take either (dataforge pack).</summary>
public static class ChatFiles
{
    /// <summary>Whether <paramref name="path"/> is .json/.jsonl (optionally .gz) and its first record holds conversations or messages.</summary>
    public static async Task<bool> IsChatAsync(StorageFactory storage, string path, CancellationToken cancellationToken)
    {
        if (FileFormats.Of(path) is not { Format: FileFormat.Json or FileFormat.Jsonl })
        {
            return false;
        }

        var folder = StoragePaths.Directory(path);
        var root = storage.Open(folder.Length == 0 ? "." : folder);
        var file = new InputFile(root, StoragePaths.FileName(path), path, 0);
        try
        {
            await foreach (var record in TableRows.ReadAsync(file, StorageReads.DefaultMaxFileBytes, cancellationToken))
            {
                if (record.Values is { } values)
                {
                    return values.ContainsKey("conversations") || values.ContainsKey("messages");
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DataForgeException)
        {
            return false; // read-table or read-text says what is wrong with it
        }

        return false;
    }
}
