using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Stages.ReadChat;
using DataForge.Core.Stages.ReadTable;
using DataForge.Core.Storage;
using DataForge.Packing.Shards;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge pack INPUT... --out DIR [--config FILE] [--device cpu|cuda] [every pack option as a flag: --seq-len N …]</c>:
/// the pack stage over sample sets and/or JSONL/Parquet text, as a one-stage pipeline.
/// </summary>
public static class PackCommand
{
    /// <summary>Whether a folder input holds image files (at any depth).</summary>
    private static async Task<bool> HoldsImagesAsync(StorageFactory storage, string input, CancellationToken cancellationToken)
    {
        var folder = storage.Open(input);
        if (await folder.ExistsAsync(string.Empty, cancellationToken))
        {
            return false; // a file, not a folder
        }

        try
        {
            await foreach (var item in folder.ListAsync(string.Empty, cancellationToken))
            {
                if (FileFormats.Of(item.Path).Format == FileFormat.Image)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is StorageNotFoundException or IOException or DataForgeException)
        {
            // read-text reports the input as it finds it
        }

        return false;
    }

    /// <summary>CSV, TSV and JSON tables, and Parquet with an image column, go to read-table; JSON Lines and text Parquet to read-text.</summary>
    private static async Task<bool> IsCaptionTableAsync(StorageFactory storage, string input, CancellationToken cancellationToken)
    {
        var kind = FileFormats.Of(input);
        if (kind.Format == FileFormat.Parquet)
        {
            var folder = StoragePaths.Directory(input.Replace('\\', '/'));
            return await TableRows.ParquetHasImageColumnAsync(storage.Open(folder.Length == 0 ? "." : folder), StoragePaths.FileName(input), cancellationToken);
        }

        return TableRows.IsTable(input) && kind.Format != FileFormat.Jsonl;
    }

    public static Command Create(CliContext app)
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "sample sets, image folders (with sidecar captions: read-images), conversations (.json/.jsonl of conversations or messages: read-chat), tables (.csv, .tsv, .json: read-table), or JSONL/Parquet text files or folders (read-text)", Arity = ArgumentArity.OneOrMore };
        var textField = new Option<string?>("--text-field") { Description = "the field or column holding the text (read-text's text_field, read-table's text_column)" };
        var idField = new Option<string?>("--id-field") { Description = "the field or column holding a record's id" };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the shards", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other pack options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "parallel tokenization (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var device = PackDeviceOption.Create();
        var command = new Command("pack", "tokenize and pack samples into fixed-length shards (Parquet + index.json)")
        {
            inputs, output, config, workers, device, verbose, textField, idField,
        };
        var flags = StageFlags.For(app.Registry.Resolve("pack", "pack"));
        flags.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            StageFlags.RefuseFlagsAsInputs(command, parse.GetValue(inputs)!);
            var options = flags.Apply(parse, parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : []);

            var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory());
            var sampleSets = new List<string>();
            var tables = new List<string>();
            var chats = new List<string>();
            var imageFolders = new List<string>();
            var texts = new List<string>();
            foreach (var input in parse.GetValue(inputs)!)
            {
                var kind = await SampleSetInspector.IsSampleSetAsync(storage.Open(input), cancellationToken) ? sampleSets
                    : await HoldsImagesAsync(storage, input, cancellationToken) ? imageFolders
                    : await ChatFiles.IsChatAsync(storage, input, cancellationToken) ? chats
                    : await IsCaptionTableAsync(storage, input, cancellationToken) ? tables : texts;
                kind.Add(input);
            }

            var location = new SourceLocation("command line", 1, 1);
            var stages = new List<StageSpec>();
            if (sampleSets.Count > 0)
            {
                stages.Add(new StageSpec("read-samples", new JsonObject { ["inputs"] = new JsonArray([.. sampleSets.Select(set => JsonValue.Create(set))]), ["copy_media"] = false }, location));
            }

            // A folder of images (with sidecar captions) goes to read-images, which pairs each caption with its image,
            // rather than to read-text, which would take the captions for documents and leave the images behind.
            if (imageFolders.Count > 0)
            {
                stages.Add(new StageSpec("read-images", new JsonObject { ["inputs"] = new JsonArray([.. imageFolders.Select(path => JsonValue.Create(path))]) }, location));
            }

            // Conversations (LLaVA, ShareGPT, OpenAI messages: a first record with conversations or messages) go to read-chat.
            if (chats.Count > 0)
            {
                var chat = new JsonObject { ["inputs"] = new JsonArray([.. chats.Select(path => JsonValue.Create(path))]) };
                if (parse.GetValue(idField) is { } chatId)
                {
                    chat["id_field"] = chatId;
                }

                stages.Add(new StageSpec("read-chat", chat, location));
            }

            // Tables of named columns (captions over images, or text) go to read-table; JSON Lines, Parquet and text
            // files to read-text, whose text_field --text-field sets.
            if (tables.Count > 0)
            {
                var table = new JsonObject { ["inputs"] = new JsonArray([.. tables.Select(path => JsonValue.Create(path))]) };
                if (parse.GetValue(textField) is { } column)
                {
                    table["text_column"] = column;
                }

                if (parse.GetValue(idField) is { } idColumn)
                {
                    table["id_column"] = idColumn;
                }

                stages.Add(new StageSpec("read-table", table, location));
            }

            if (texts.Count > 0)
            {
                var text = new JsonObject { ["inputs"] = new JsonArray([.. texts.Select(path => JsonValue.Create(path))]) };
                if (parse.GetValue(textField) is { } field)
                {
                    text["text_field"] = field;
                }

                if (parse.GetValue(idField) is { } id)
                {
                    text["id_field"] = id;
                }

                stages.Add(new StageSpec("read-text", text, location));
            }

            stages.Add(new StageSpec("pack", options, location));
            var outputUri = parse.GetValue(output)!;
            var spec = new PipelineSpec("pack", [], StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri), stages, 1, Directory.GetCurrentDirectory());
            if (parse.GetValue(workers) < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var result = await PipelineExecution.RunAsync(app, spec, new RunOptions(new TaskSelection(null, null), parse.GetValue(workers)) { Device = PackDeviceOption.Resolve(parse, device, app) }, parse.GetValue(verbose), cancellationToken);
            if (result.Manifest is not null)
            {
                var index = await ShardReader.ReadIndexAsync(storage.Open(spec.Output), cancellationToken);
                await app.Stdout.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"packed {index.Documents:N0} documents into {index.Rows:N0} rows of {index.SeqLen:N0} tokens, fill {index.FillRatio:P2}, {index.Files.Count} shard file(s), {index.Tokenizer.Name}"));
            }

            return DataForgeApp.Success;
        });
        return command;
    }
}
