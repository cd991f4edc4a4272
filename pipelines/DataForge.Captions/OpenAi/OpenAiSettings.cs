namespace DataForge.Captions.OpenAi;

/// <summary>How to reach an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, LM Studio, Azure OpenAI, OpenAI).</summary>
/// <param name="ApiKeyEnv">The environment variable holding the key; the key itself is never in options, logs or outputs.</param>
public sealed record OpenAiSettings(
    Uri Endpoint,
    string Model,
    string ApiKeyEnv,
    int MaxTokens,
    float Temperature,
    TimeSpan Timeout,
    int Retries,
    TimeSpan RetryBase,
    int Concurrency,
    IReadOnlyDictionary<string, string> Prompts);
