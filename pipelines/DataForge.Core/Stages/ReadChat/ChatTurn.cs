namespace DataForge.Core.Stages.ReadChat;

/// <summary>Who speaks a turn. System turns become context parts, user turns instruction parts, assistant turns targets.</summary>
public enum ChatSpeaker
{
    System,
    User,
    Assistant,
}

/// <summary>One piece of a turn, in reading order: text, or media named by a path, a URL, or carried inline.</summary>
public abstract record ChatPiece;

public sealed record ChatText(string Text) : ChatPiece;

/// <param name="Reference">A path relative to the media folder, an http(s) URL, or a description of inline bytes.</param>
/// <param name="Inline">The bytes, when the record carries them (a data: URI, OpenAI input_audio).</param>
public sealed record ChatMedia(bool IsAudio, string Reference, byte[]? Inline) : ChatPiece;

public sealed record ChatTurn(ChatSpeaker Speaker, IReadOnlyList<ChatPiece> Pieces);

/// <summary>A conversation as read, before its media are: the turns, and what else the record held (for meta).</summary>
public sealed record ParsedChat(IReadOnlyList<ChatTurn> Turns, string? Id, string? Split, System.Text.Json.Nodes.JsonObject Meta);
