namespace DataForge.Core;

/// <summary>A failure the user can act on (missing input, unreadable output); the CLI prints its message, exit 1.</summary>
public class DataForgeException : Exception
{
    public DataForgeException(string message)
        : base(message)
    {
    }

    public DataForgeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A mistake in how DataForge was invoked (bad YAML, unknown stage, bad option); exit 2.</summary>
public sealed class UsageException : DataForgeException
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
