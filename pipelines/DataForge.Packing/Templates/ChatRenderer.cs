using DataForge.Core;
using DataForge.Core.Model;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Templates;

/// <summary>One step of a templated document: a special token, a run of text between special tokens, or a media part.</summary>
public abstract record TemplateItem;

/// <summary>A special token by id; <paramref name="Loss"/> for an assistant turn's end-of-turn token.</summary>
public sealed record TemplateToken(int Id, bool Loss) : TemplateItem;

/// <summary>
/// Text between two special tokens (or media), tokenized as one string, as Hugging Face tokenizes a rendered template;
/// each piece says whether its tokens carry loss (a token that straddles two pieces carries it if either does).
/// </summary>
public sealed record TemplateText(IReadOnlyList<(string Text, bool Loss)> Pieces) : TemplateItem;

public sealed record TemplateMedia(Part Part) : TemplateItem;

/// <summary>
/// Lays a sample out as a conversation under a <see cref="ChatTemplate"/>. Turns are runs of parts of one role:
/// context parts the system's, instruction and content parts the user's, target parts the assistant's (read-chat
/// writes alternating turns, so its turns come back exactly). Only assistant content and its end-of-turn token carry loss.
/// </summary>
public sealed class ChatRenderer
{
    private readonly ChatTemplate _template;
    private readonly IReadOnlyDictionary<string, int> _specials;

    /// <summary>Refuses a template whose special tokens the tokenizer lacks, naming them (a usage error).</summary>
    public ChatRenderer(ChatTemplate template, ITextTokenizer tokenizer)
    {
        var missing = template.SpecialTokens.Where(name => !tokenizer.SpecialTokens.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"chat template '{template.Name}' needs special tokens {string.Join(", ", missing)}, which tokenizer {tokenizer.Name} does not have (use a template made for this tokenizer)");
        }

        _template = template;
        _specials = tokenizer.SpecialTokens;
    }

    public string Name => _template.Name;

    private enum Speaker
    {
        System,
        User,
        Assistant,
    }

    private sealed record Turn(Speaker Speaker, List<Part> Parts);

    /// <summary>The items of the sample's conversation, or null when it has no assistant turn.</summary>
    public List<TemplateItem>? Render(Sample sample)
    {
        var turns = Turns(sample.Parts);
        if (!turns.Exists(turn => turn.Speaker == Speaker.Assistant))
        {
            return null;
        }

        if (_template.DefaultSystem is { } prompt && turns[0].Speaker != Speaker.System)
        {
            turns.Insert(0, new Turn(Speaker.System, [new TextPart(prompt, Role.Context)]));
        }

        var items = new List<TemplateItem>();
        var text = new List<(string, bool)>();
        void Flush()
        {
            if (text.Count > 0)
            {
                items.Add(new TemplateText([.. text]));
                text.Clear();
            }
        }

        void Segments(IReadOnlyList<TemplateSegment> segments, bool specialLoss)
        {
            foreach (var segment in segments)
            {
                if (segment.IsSpecial)
                {
                    Flush();
                    items.Add(new TemplateToken(_specials[segment.Value], specialLoss));
                }
                else if (segment.Value.Length > 0)
                {
                    text.Add((segment.Value, false));
                }
            }
        }

        Segments(_template.Begin, false);
        List<Part>? pendingSystem = null;
        if (_template.SystemPlacement == SystemPlacement.LastUserTurn && turns[0].Speaker == Speaker.System)
        {
            pendingSystem = turns[0].Parts;
            turns.RemoveAt(0);
            var lastUser = turns.FindLastIndex(turn => turn.Speaker == Speaker.User);
            if (lastUser < 0)
            {
                turns.Insert(0, new Turn(Speaker.User, []));
            }
        }

        var lastUserIndex = turns.FindLastIndex(turn => turn.Speaker == Speaker.User);
        for (var index = 0; index < turns.Count; index++)
        {
            var turn = turns[index];
            var format = turn.Speaker switch
            {
                Speaker.System => _template.System,
                Speaker.User => _template.User,
                _ => index == turns.Count - 1 && _template.FinalAssistant is { } final ? final : _template.Assistant,
            };
            var assistant = turn.Speaker == Speaker.Assistant;
            Segments(format.Prefix, false);
            var parts = turn.Parts;
            if (pendingSystem is not null && index == lastUserIndex)
            {
                // Mistral: "[INST] " + system + "\n\n" + user + "[/INST]".
                parts = [.. pendingSystem, .. _template.SystemSeparator.Length > 0 ? [new TextPart(_template.SystemSeparator, Role.Context)] : Array.Empty<Part>(), .. parts];
            }

            var trim = _template.Trim == TrimmedTurns.All || (_template.Trim == TrimmedTurns.Assistant && assistant);
            for (var k = 0; k < parts.Count; k++)
            {
                switch (parts[k])
                {
                    case TextPart part:
                        var value = part.Text;
                        if (trim && k == 0)
                        {
                            value = value.TrimStart();
                        }

                        if (trim && k == parts.Count - 1)
                        {
                            value = value.TrimEnd();
                        }

                        if (value.Length > 0)
                        {
                            text.Add((value, assistant));
                        }

                        break;
                    case ImagePart or AudioPart or VideoPart:
                        Flush();
                        items.Add(new TemplateMedia(parts[k]));
                        break;
                    default:
                        throw Part.Unhandled(parts[k]);
                }
            }

            Segments(format.Suffix, assistant);
        }

        Flush();
        return items;
    }

    /// <summary>Runs of parts of one speaker, in order.</summary>
    private static List<Turn> Turns(IEnumerable<Part> parts)
    {
        var turns = new List<Turn>();
        foreach (var part in parts)
        {
            var speaker = part.Role switch
            {
                Role.Context => Speaker.System,
                Role.Target => Speaker.Assistant,
                _ => Speaker.User,
            };
            if (turns.Count > 0 && turns[^1].Speaker == speaker)
            {
                turns[^1].Parts.Add(part);
            }
            else
            {
                turns.Add(new Turn(speaker, [part]));
            }
        }

        return turns;
    }
}
