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
            if (FileFormats.Of(path) is { Format: FileFormat.Json } json)
            {
                // A JSON file is one value, perhaps of gigabytes: only its first record's keys are looked at.
                return await FirstRecordKeysAsync(root, file.Path, json.Compression, cancellationToken) is { } keys
                    && (keys.Contains("conversations") || keys.Contains("messages"));
            }

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

    /// <summary>
    /// The property names of a JSON file's first record (the first object of its array, or of the first array an object
    /// holds), from at most the first MiB; null when that does not reach them.
    /// </summary>
    private static async Task<HashSet<string>?> FirstRecordKeysAsync(IStorage folder, string name, FileCompression compression, CancellationToken cancellationToken)
    {
        await using var raw = await folder.OpenReadAsync(name, cancellationToken);
        await using var stream = Compression.DecompressingStream.Open(raw, compression);
        var buffer = new byte[1 << 20];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return FirstRecordKeys(buffer.AsSpan(0, length), isFinal: length < buffer.Length);
    }

    private static HashSet<string>? FirstRecordKeys(ReadOnlySpan<byte> json, bool isFinal)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json, isFinal, default);
        var containers = new Stack<bool>(); // true: an array
        HashSet<string>? keys = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case System.Text.Json.JsonTokenType.StartObject when keys is null && containers.Count > 0 && containers.Peek():
                        // The first object that is an element of an array: a record.
                        keys = new HashSet<string>(StringComparer.Ordinal);
                        containers.Push(false);
                        break;
                    case System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray when keys is not null:
                        if (!reader.TrySkip())
                        {
                            return null; // a record value beyond the first MiB
                        }

                        break;
                    case System.Text.Json.JsonTokenType.StartObject:
                        containers.Push(false);
                        break;
                    case System.Text.Json.JsonTokenType.StartArray:
                        containers.Push(true);
                        break;
                    case System.Text.Json.JsonTokenType.PropertyName when keys is not null:
                        keys.Add(reader.GetString()!);
                        break;
                    case System.Text.Json.JsonTokenType.EndObject when keys is not null:
                        return keys;
                    case System.Text.Json.JsonTokenType.EndObject or System.Text.Json.JsonTokenType.EndArray:
                        containers.Pop();
                        break;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        return null;
    }
}
