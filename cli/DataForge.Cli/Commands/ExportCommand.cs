using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Packing.Export;
using DataForge.Packing.Shards;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge export megatron --shards DIR --out PREFIX</c>; <c>dataforge export webdataset SAMPLE_SET --out DIR [--samples-per-shard N]</c></summary>
public static class ExportCommand
{
    public static Command Create(CliContext app)
    {
        var shards = new Option<string>("--shards") { Description = "a packed shard folder (with index.json)", Required = true };
        var output = new Option<string>("--out") { Description = "output prefix: writes PREFIX.bin and PREFIX.idx", Required = true };
        var keepPlaceholders = new Option<bool>("--keep-placeholders") { Description = "export image and audio placeholder tokens as plain ids (the media themselves cannot go into the format)" };
        var dropLossMask = new Option<bool>("--drop-loss-mask") { Description = "export shards packed with loss: targets, every token then carrying loss" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing PREFIX.bin / PREFIX.idx (without it they are an error)" };
        var megatron = new Command("megatron", "write the documents as Megatron-LM's indexed dataset (.bin + .idx), each ending with the end-of-document token") { shards, output, keepPlaceholders, dropLossMask, overwrite };
        megatron.SetAction(async (parse, cancellationToken) =>
        {
            var folder = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(parse.GetValue(shards)!);
            if (!await ShardReader.IsShardSetAsync(folder, cancellationToken))
            {
                throw new DataForgeException($"{folder.Uri} has no index.json: not a packed shard set");
            }

            var prefix = parse.GetValue(output)!;
            var existing = new[] { $"{prefix}.bin", $"{prefix}.idx" }.Where(File.Exists).ToList();
            if (existing.Count > 0 && !parse.GetValue(overwrite))
            {
                throw new UsageException($"{string.Join(" and ", existing)} already exist: pass --overwrite to replace them, or choose another --out");
            }

            var result = await MegatronExporter.ExportAsync(folder, parse.GetValue(output)!, new MegatronExportOptions(parse.GetValue(keepPlaceholders), parse.GetValue(dropLossMask)), cancellationToken);
            await app.Stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{parse.GetValue(output)}.bin/.idx: {result.Sequences:N0} documents, {result.Tokens:N0} tokens, dtype {(result.DtypeCode == 4 ? "int32" : "uint16")}{(result.EndsAdded > 0 ? $"; {result.EndsAdded:N0} documents (chunks of long ones, or packed without end_of_document) got an end-of-document token" : string.Empty)}"));
            return DataForgeApp.Success;
        });
        var set = new Argument<string>("SAMPLE_SET") { Description = "a sample set (a folder or az:// URI with _manifest.json)" };
        var webOutput = new Option<string>("--out") { Description = "folder or az:// URI for the shard-NNNNN.tar files", Required = true };
        var perShard = new Option<int>("--samples-per-shard") { Description = "samples per tar before rolling to the next", DefaultValueFactory = _ => 10_000 };
        var webdataset = new Command("webdataset", "write a sample set as WebDataset tar shards: each sample's media, its caption as .txt and a .json of its parts and meta") { set, webOutput, perShard };
        webdataset.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(perShard) < 1)
            {
                throw new UsageException("--samples-per-shard must be at least 1");
            }

            var storage = new StorageFactory(app.Environment, Directory.GetCurrentDirectory());
            var source = storage.Open(parse.GetValue(set)!);
            if (!await DataForge.Core.Inspect.SampleSetInspector.IsSampleSetAsync(source, cancellationToken))
            {
                throw new DataForgeException($"{source.Uri} is not a sample set (no _manifest.json)");
            }

            var result = await DataForge.Core.Export.WebDatasetExporter.ExportAsync(source, storage.Open(parse.GetValue(webOutput)!), parse.GetValue(perShard), cancellationToken);
            await app.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{parse.GetValue(webOutput)}: {result.Samples:N0} samples in {result.Shards} shard(s), {result.MediaFiles:N0} media files ({result.Bytes:N0} bytes)"));
            return DataForgeApp.Success;
        });
        return new Command("export", "export shards and sample sets to other frameworks' formats") { megatron, webdataset };
    }
}
