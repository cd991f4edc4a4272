using DataForge.Core.Stages.Contract;

namespace DataForge.Core.Stages.ReadChat;

/// <summary>The reasons read-chat rejects a conversation with.</summary>
public static class ChatRejectReasons
{
    public static readonly RejectReason ChatInvalid = new("chat.invalid", "The record is not a conversation: no conversations or messages list, a turn that is not an object, content of an unknown type or part.");

    public static readonly RejectReason ChatUnknownRole = new("chat.unknown_role", "A turn's speaker is none of system, user (human) or assistant (gpt), or a turn makes tool calls; tool and function turns are not read.");

    public static readonly RejectReason ChatTurnOrder = new("chat.turn_order", "The turns do not alternate: a system turn after the start, the first turn the assistant's, two user or two assistant turns in a row, or a last turn that is the user's.");

    public static readonly RejectReason ChatNoAssistant = new("chat.no_assistant", "The conversation has no assistant turn: nothing in it carries the loss.");

    public static readonly RejectReason ChatEmptyTurn = new("chat.empty_turn", "A turn holds neither text nor media.");

    public static readonly RejectReason ChatMediaMismatch = new("chat.media_mismatch", "The <image> or <audio> markers and the record's images or audios differ in number.");

    public static readonly RejectReason ChatMediaMissing = new("chat.media_missing", "An image or audio file the conversation names does not exist.");

    public static readonly RejectReason ChatMediaPathOutside = new("chat.media_path_outside", "A media path is absolute, a URI, or leaves its folder, and allow_paths_outside is off.");

    public static readonly RejectReason ChatAudioUnsupported = new("chat.audio_unsupported", "Audio that is not a readable RIFF/WAVE file (input_audio of format mp3, a damaged header).");

    public static readonly RejectReason ChatMediaUrl = new("chat.media_url", "An image named by an http(s) URL while fetch is off, or a data: URI that does not decode.");

    public static IReadOnlyList<RejectReason> All { get; } =
        [ChatInvalid, ChatUnknownRole, ChatTurnOrder, ChatNoAssistant, ChatEmptyTurn, ChatMediaMismatch, ChatMediaMissing, ChatMediaPathOutside, ChatAudioUnsupported, ChatMediaUrl];
}
