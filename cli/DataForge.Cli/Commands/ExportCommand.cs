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
        var megatron = new Command("megatron", "write the documents as Megatron-LM's indexed dataset (.bin + .idx)") { shards, output };
        megatron.SetAction(async (parse, cancellationToken) =>
        {
            var folder = new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(parse.GetValue(shards)!);
            if (!await ShardReader.IsShardSetAsync(folder, cancellationToken))
            {
                throw new DataForgeException($"{folder.Uri} has no index.json: not a packed shard set");
            }

            var result = await MegatronExporter.ExportAsync(folder, parse.GetValue(output)!, cancellationToken);
            await app.Stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{parse.GetValue(output)}.bin/.idx: {result.Sequences:N0} documents, {result.Tokens:N0} tokens, dtype {(result.DtypeCode == 4 ? "int32" : "uint16")}"));
            return DataForgeApp.Success;
        });
        return new Command("export", "export shards to other frameworks' formats") { megatron };
    }
}
