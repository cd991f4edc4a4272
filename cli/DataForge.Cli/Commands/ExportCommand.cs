using System.CommandLine;
using System.Globalization;
using DataForge.Core;
using DataForge.Core.Storage;
using DataForge.Packing.Export;
using DataForge.Packing.Shards;

namespace DataForge.Cli.Commands;

/// <summary><c>dataforge export megatron --shards DIR --out PREFIX</c></summary>
public static class ExportCommand
{
    public static Command Create(CliContext app)
    {
        var shards = new Option<string>("--shards") { Description = "a packed shard folder (with index.json)", Required = true };
        var output = new Option<string>("--out") { Description = "output prefix: writes PREFIX.bin and PREFIX.idx", Required = true };
        var keepPlaceholders = new Option<bool>("--keep-placeholders") { Description = "export image and audio placeholder tokens as plain ids (the media themselves cannot go into the format)" };
        var dropLossMask = new Option<bool>("--drop-loss-mask") { Description = "export shards packed with loss: targets, every token then carrying loss" };
        var megatron = new Command("megatron", "write the documents as Megatron-LM's indexed dataset (.bin + .idx), each ending with the end-of-document token") { shards, output, keepPlaceholders, dropLossMask };
        megatron.SetAction(async (parse, cancellationToken) =>
        {
            var folder = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(parse.GetValue(shards)!);
            if (!await ShardReader.IsShardSetAsync(folder, cancellationToken))
            {
                throw new DataForgeException($"{folder.Uri} has no index.json: not a packed shard set");
            }

            var result = await MegatronExporter.ExportAsync(folder, parse.GetValue(output)!, new MegatronExportOptions(parse.GetValue(keepPlaceholders), parse.GetValue(dropLossMask)), cancellationToken);
            await app.Stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{parse.GetValue(output)}.bin/.idx: {result.Sequences:N0} documents, {result.Tokens:N0} tokens, dtype {(result.DtypeCode == 4 ? "int32" : "uint16")}{(result.EndsAdded > 0 ? $"; {result.EndsAdded:N0} documents (chunks of long ones, or packed without end_of_document) got an end-of-document token" : string.Empty)}"));
            return DataForgeApp.Success;
        });
        return new Command("export", "export shards to other frameworks' formats") { megatron };
    }
}
