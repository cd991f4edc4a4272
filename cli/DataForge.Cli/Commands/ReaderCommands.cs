using System.CommandLine;

namespace DataForge.Cli.Commands;

/// <summary>
/// The commands of the dataset readers (issue 19), each its stage and a sample-set writer, every option a flag:
/// <c>dataforge read-table TABLE... --out DIR [--text-column C --image-column C --fetch …]</c>,
/// <c>dataforge read-chat FILE... --out DIR [--images DIR …]</c>,
/// <c>dataforge read-webdataset SHARD... --out DIR</c> (brace lists such as <c>shard-{00000..00009}.tar</c>),
/// <c>dataforge read-video VIDEO... --out DIR [--clips fixed|scene|whole --fps 2 …]</c> (issue 24).
/// </summary>
public static class ReaderCommands
{
    public static IEnumerable<Command> Create(CliContext app) =>
    [
        new SourceStageCommand("read-table", "read caption and text tables (CSV, TSV, JSON, JSON Lines, Parquet; .gz/.zst) into a sample set, fetching image URLs with --fetch", "TABLE", "tables or folders of them").Create(app),
        new SourceStageCommand("read-chat", "read conversations (LLaVA, ShareGPT, OpenAI messages) into a sample set of instruction turns", "FILE", "conversation files (.json, .jsonl; .gz/.zst) or folders of them").Create(app),
        new SourceStageCommand("read-webdataset", "read WebDataset tar shards (img2dataset's layout) into a sample set", "SHARD", "tar shards, brace lists (shard-{00000..00009}.tar) or folders of them").Create(app),
        new SourceStageCommand("read-video", "cut videos into clips (fixed windows, scene changes or whole) with frames sampled on their timeline, the audio track and sidecar .srt/.vtt subtitles", "VIDEO", "video files (any container ffmpeg reads: .mp4, .mkv, .webm, .mov, …) or folders of them").Create(app),
    ];
}
