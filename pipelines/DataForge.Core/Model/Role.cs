namespace DataForge.Core.Model;

/// <summary>What a part is for in training. Only <see cref="Target"/> parts carry the loss in instruction data.</summary>
public enum Role
{
    Context,
    Content,
    Instruction,
    Target,
}

public static class RoleNames
{
    public static string ToWire(this Role role) => role switch
    {
        Role.Context => "context",
        Role.Content => "content",
        Role.Instruction => "instruction",
        Role.Target => "target",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static Role Parse(string wire) => wire switch
    {
        "context" => Role.Context,
        "content" => Role.Content,
        "instruction" => Role.Instruction,
        "target" => Role.Target,
        _ => throw new FormatException($"unknown part role '{wire}' (expected context, content, instruction or target)"),
    };
}
