using System.CommandLine;
using System.Text.Json.Nodes;
using DataForge.Core;
using DataForge.Core.Inspect;
using DataForge.Core.Pipeline;
using DataForge.Core.Stages.Contract;
using DataForge.Core.Storage;

namespace DataForge.Cli.Commands;

/// <summary>
/// <c>dataforge caption INPUT --out DIR [--captioner template|openai|fusion] [--endpoint URL --model NAME --api-key-env VAR]
/// [--lang en,zh] [--config FILE]</c>: INPUT is a sample set
/// or a folder of images; the output is a sample set with the inputs and their caption samples.
/// </summary>
public static class CaptionCommand
{
    public static Command Create(CliContext app)
    {
        var input = new Argument<string>("INPUT") { Description = "a sample set, or a folder of images (with optional .txt captions)" };
        var output = new Option<string>("--out", "-o") { Description = "folder or az:// URI for the captioned sample set", Required = true };
        var captioner = new Option<string[]>("--captioner") { Description = "template (default), openai, fusion; several may be given", AllowMultipleArgumentsPerToken = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "OpenAI-compatible base URL (vLLM, Ollama, LM Studio, Azure OpenAI), e.g. http://localhost:8000/v1" };
        var model = new Option<string?>("--model") { Description = "the model the endpoint serves" };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "environment variable holding the API key (default OPENAI_API_KEY)" };
        var languages = new Option<string[]>("--lang") { Description = "caption languages: en, zh (default en)", AllowMultipleArgumentsPerToken = true };
        var config = new Option<FileInfo?>("--config") { Description = "YAML file with any other caption options (snake_case, as in a pipeline)" };
        var workers = new Option<int>("--workers") { Description = "parallel image analysis (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "log each task" };
        var command = new Command("caption", "add captions to the images of a sample set or an image folder")
        {
            input, output, captioner, endpoint, model, apiKeyEnv, languages, config, workers, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = parse.GetValue(config) is { } file ? StageOptionsFile.Load(file) : [];
            if (parse.GetValue(captioner) is { Length: > 0 } captioners)
            {
                options["captioners"] = new JsonArray([.. captioners.Select(name => JsonValue.Create(name))]);
            }

            foreach (var (name, value) in new[] { ("endpoint", parse.GetValue(endpoint)), ("model", parse.GetValue(model)), ("api_key_env", parse.GetValue(apiKeyEnv)) })
            {
                if (value is not null)
                {
                    options[name] = value;
                }
            }

            if (parse.GetValue(languages) is { Length: > 0 } langs)
            {
                options["languages"] = new JsonArray([.. langs.SelectMany(lang => lang.Split(',')).Select(lang => JsonValue.Create(lang))]);
            }

            if (parse.GetValue(workers) < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var source = parse.GetValue(input)!;
            var isSet = await SampleSetInspector.IsSampleSetAsync(new StorageFactory(app.Environment, Directory.GetCurrentDirectory()).Open(source), cancellationToken);
            var location = new SourceLocation("command line", 1, 1);
            var reader = new StageSpec(isSet ? "read-samples" : "read-images", new JsonObject { ["inputs"] = new JsonArray(JsonValue.Create(source)) }, location);
            var outputUri = parse.GetValue(output)!;
            var spec = new PipelineSpec(
                "caption",
                [],
                StorageFactory.IsAzure(outputUri) ? outputUri : Path.GetFullPath(outputUri),
                [reader, new StageSpec("caption", options, location), new StageSpec("write", [], location)],
                1,
                Directory.GetCurrentDirectory());
            await PipelineExecution.RunAsync(app, spec, new RunOptions(new TaskSelection(null, null), parse.GetValue(workers)), parse.GetValue(verbose), cancellationToken);
            return DataForgeApp.Success;
        });
        return command;
    }
}
