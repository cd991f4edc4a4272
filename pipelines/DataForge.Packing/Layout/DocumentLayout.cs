using System.Globalization;
using DataForge.Core.Model;
using DataForge.Packing.Templates;
using DataForge.Packing.Tokenization;

namespace DataForge.Packing.Layout;

/// <summary>The outcome of laying out one sample: its documents (one, or chunks of a long text), or why it cannot be packed.</summary>
public sealed record LayoutResult(IReadOnlyList<TokenizedDocument> Documents, string? RejectReason, string? RejectMessage);

/// <summary>
/// Turns a sample into tokens (DESIGN.md §3): text through the tokenizer; each image as
/// <c>&lt;|image_start|&gt; N×&lt;|image_pad|&gt; &lt;|image_end|&gt;</c> with N from Qwen2-VL's dynamic resolution; each audio as
/// <c>&lt;|audio_start|&gt; M×&lt;|audio_pad|&gt; &lt;|audio_end|&gt;</c> with M = ceil(duration × 25); then the end-of-document token.
/// Media tokens never carry loss; with <c>loss: targets</c> only target parts (and the end token after them) do.
/// </summary>
public sealed class DocumentLayout
{
    private readonly PackOptions _options;
    private readonly int _endOfDocument;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<string, string> _normalize;
    private readonly ChatRenderer? _chat;
    private readonly int _imageStart, _imagePad, _imageEnd, _audioStart, _audioPad, _audioEnd;

    public DocumentLayout(PackOptions options, ITextTokenizer tokenizer, ChatTemplate? chatTemplate = null)
    {
        _options = options;
        _tokenizer = tokenizer;
        _normalize = tokenizer is IByteLevelTokenizer byteLevel ? byteLevel.Normalize : text => text;
        _chat = chatTemplate is null ? null : new ChatRenderer(chatTemplate, tokenizer);
        var specials = tokenizer.SpecialTokens;
        _endOfDocument = tokenizer.EndOfDocumentId;
        _imageStart = specials["<|image_start|>"];
        _imagePad = specials["<|image_pad|>"];
        _imageEnd = specials["<|image_end|>"];
        _audioStart = specials["<|audio_start|>"];
        _audioPad = specials["<|audio_pad|>"];
        _audioEnd = specials["<|audio_end|>"];
    }

    /// <summary>The texts <see cref="Lay"/> will hand the tokenizer for this sample, in order (the GPU path encodes them first).</summary>
    public IEnumerable<string> TextsOf(Sample sample) => _chat is null
        ? sample.Parts.OfType<TextPart>().Select(part => part.Text)
        : (_chat.Render(sample) ?? []).OfType<TemplateText>().Select(Concatenate);

    /// <param name="scratch">one worker's reusable buffers (<see cref="LayoutScratch"/>); a fresh set when null</param>
    public LayoutResult Lay(Sample sample, ITokenizerSession session, long order, LayoutScratch? scratch = null)
    {
        // About a token per 3 chars of text (4 for English prose, fewer for CJK): lists sized once, not grown from empty.
        var textChars = 0L;
        foreach (var part in sample.Parts)
        {
            textChars += part is TextPart text ? text.Text.Length : 0;
        }

        var capacity = (int)Math.Min(1 << 20, 16 + (textChars / 3));
        scratch ??= new LayoutScratch();
        var builder = scratch.Builder;
        builder.Reset(capacity);
        var media = new List<string>();
        var textIds = scratch.TextIds;
        textIds.Clear();
        var hasTarget = false;
        if (_chat is not null)
        {
            if (_chat.Render(sample) is not { } items)
            {
                return new LayoutResult([], PackRejectReasons.PackChatNoAssistant, $"chat template '{_chat.Name}': the sample has no target part, so no assistant turn");
            }

            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                switch (item)
                {
                    case TemplateToken token:
                        builder.AddSequential(token.Id, token.Loss, Modality.Text);
                        break;
                    case TemplateText text:
                        AddText(text, session, textIds, builder);
                        break;
                    case TemplateMedia medium:
                        var chatTrack = TrackOf(medium.Part, i + 1 < items.Count && items[i + 1] is TemplateMedia following ? following.Part : null);
                        if (AddMedia(medium.Part, chatTrack, builder, media) is { } rejected)
                        {
                            return rejected;
                        }

                        i += chatTrack is null ? 0 : 1;
                        break;
                    default:
                        throw new InvalidOperationException($"a template item of type {item.GetType().Name} is not handled");
                }
            }
        }
        else
        {
            var parts = sample.Parts;
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i];
                var loss = !_options.LossOnTargetsOnly || part.Role == Role.Target;
                hasTarget |= part.Role == Role.Target;
                if (part is TextPart text)
                {
                    builder.AddEncoded(session, text.Text, loss, Modality.Text);
                    continue;
                }

                var track = TrackOf(part, i + 1 < parts.Length ? parts[i + 1] : null);
                if (AddMedia(part, track, builder, media) is { } rejected)
                {
                    return rejected;
                }

                if (track is not null)
                {
                    hasTarget |= track.Role == Role.Target;
                    i++;
                }
            }
        }

        if (builder.Count == 0)
        {
            return new LayoutResult([], PackRejectReasons.PackEmptyDocument, "the sample has no tokens to pack");
        }

        if (_options.EndOfDocument)
        {
            // Under a chat template the assistant's end-of-turn token carries the stop; the document's end does not.
            builder.AddSequential(_endOfDocument, _chat is null && (!_options.LossOnTargetsOnly || hasTarget), Modality.Text);
        }

        var length = builder.Count;
        var seqLen = _options.SeqLen;
        if (length <= seqLen)
        {
            return new LayoutResult([builder.Build(sample.Id, order, 0, 0, length, media)], null, null);
        }

        if (media.Count > 0)
        {
            return new LayoutResult([], PackRejectReasons.PackMediaDocumentTooLong, $"{length} tokens with {media.Count} media exceed seq_len {seqLen}, and media are never split");
        }

        if (!_options.SplitLongText)
        {
            return new LayoutResult([], PackRejectReasons.PackDocumentTooLong, $"{length} tokens exceed seq_len {seqLen} and split_long_text is off");
        }

        // Consecutive chunks of at most L tokens; the end token stays at the very end, in the last chunk.
        var chunks = new List<TokenizedDocument>();
        for (var start = 0; start < length; start += seqLen)
        {
            var end = Math.Min(length, start + seqLen);
            chunks.Add(builder.Build($"{sample.Id}#{chunks.Count}", order, chunks.Count, start, end, []));
        }

        return new LayoutResult(chunks, null, null);
    }

    /// <summary>The clip's audio track: the Audio part right after a Video part, when the layout interleaves them.</summary>
    private AudioPart? TrackOf(Part part, Part? next) =>
        _options.InterleaveVideoAudio && part is VideoPart && next is AudioPart audio ? audio : null;

    /// <summary>An audio part's placeholder count, or the rejection when its duration gives none or more than a sequence.</summary>
    private (int Tokens, LayoutResult? Rejected) AudioTokens(AudioPart audio)
    {
        // Durations come from sample sets written elsewhere: a NaN cast to int is no tokens at all, 1e308
        // is billions. Media are never split, so audio longer than a sequence is that document's reject.
        var exact = Math.Ceiling(audio.DurationSeconds * _options.AudioTokensPerSecond);
        if (!(exact > 0) || exact > _options.SeqLen)
        {
            var valid = double.IsFinite(audio.DurationSeconds) && audio.DurationSeconds > 0;
            return (0, new LayoutResult([], valid ? PackRejectReasons.PackMediaDocumentTooLong : PackRejectReasons.PackAudioInvalidDuration, string.Create(CultureInfo.InvariantCulture, $"an audio part of {audio.DurationSeconds} s is {exact} tokens at {_options.AudioTokensPerSecond}/s, and seq_len is {_options.SeqLen}")));
        }

        return ((int)exact, null);
    }

    /// <summary>A media part as its placeholder tokens (never loss), a clip with its <paramref name="track"/> interleaved; the rejection when it cannot be laid out.</summary>
    private LayoutResult? AddMedia(Part part, AudioPart? track, Builder builder, List<string> media)
    {
        switch (part)
        {
            case VideoPart video:
                var audioTokens = 0;
                if (track is not null)
                {
                    (audioTokens, var rejectedTrack) = AudioTokens(track);
                    if (rejectedTrack is not null)
                    {
                        return rejectedTrack;
                    }
                }

                var (clip, reason, message) = VideoTokens.For(video, track, audioTokens, _options);
                if (clip is null)
                {
                    return new LayoutResult([], reason, message);
                }

                if (builder.Count + clip.Count > _options.SeqLen)
                {
                    // Known before a token is added: a long clip is rejected without building its (maybe millions of) tokens.
                    return new LayoutResult([], PackRejectReasons.PackMediaDocumentTooLong, string.Create(CultureInfo.InvariantCulture, $"a video of {video.Frames.Length} frames is {clip.Count} tokens ({clip.GroupOffsets.Length} patches of {clip.Grid.Rows}x{clip.Grid.Columns}{(track is null ? string.Empty : $", {audioTokens} audio")}), and seq_len is {_options.SeqLen}; media are never split"));
                }

                builder.AddVideo(clip, _imageStart, _imagePad, _imageEnd, _audioStart, _audioPad, _audioEnd);
                media.AddRange(clip.Media);
                return null;
            case ImagePart image:
                if (ImageGrid.For(image.Width, image.Height, _options.ImagePatch, _options.ImageMinPixels, _options.ImageMaxPixels) is not { } grid)
                {
                    return new LayoutResult([], PackRejectReasons.PackImageUnsupportedShape, string.Create(CultureInfo.InvariantCulture, $"an image of {image.Width}x{image.Height}: Qwen2-VL's resize refuses sides of 0 and aspect ratios over {ImageGrid.MaxAspectRatio}"));
                }

                builder.AddSequential(_imageStart, false, Modality.Image);
                builder.AddGrid(_imagePad, grid);
                builder.AddSequential(_imageEnd, false, Modality.Image);
                media.Add(image.Media.Sha256);
                return null;
            case AudioPart audio:
                var (frames, rejectedAudio) = AudioTokens(audio);
                if (rejectedAudio is not null)
                {
                    return rejectedAudio;
                }

                builder.AddSequential(_audioStart, false, Modality.Audio);
                for (var frame = 0; frame < frames; frame++)
                {
                    builder.AddSequential(_audioPad, false, Modality.Audio);
                }

                builder.AddSequential(_audioEnd, false, Modality.Audio);
                media.Add(audio.Media.Sha256);
                return null;
            default:
                throw Part.Unhandled(part);
        }
    }

    private string Concatenate(TemplateText text) => string.Concat(text.Pieces.Select(piece => _normalize(piece.Text)));

    /// <summary>
    /// A run of template text and content, tokenized as one string (as Hugging Face tokenizes the rendered template);
    /// a token carries loss when any of its bytes comes from a piece that does (found by the tokens' byte lengths).
    /// </summary>
    private void AddText(TemplateText text, ITokenizerSession session, List<int> ids, Builder builder)
    {
        ids.Clear();
        session.Encode(Concatenate(text), ids);
        if (text.Pieces.All(piece => piece.Loss == text.Pieces[0].Loss))
        {
            // One loss for the whole run (a user turn, a template's text between markers): no bytes to attribute.
            builder.AddSequential(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), text.Pieces[0].Loss, Modality.Text);

            return;
        }

        var ends = new long[text.Pieces.Count];
        long total = 0;
        for (var k = 0; k < ends.Length; k++)
        {
            total += System.Text.Encoding.UTF8.GetByteCount(_normalize(text.Pieces[k].Text));
            ends[k] = total;
        }

        long start = 0;
        var piece = 0;
        foreach (var id in ids)
        {
            var end = start + _tokenizer.DecodeBytes([id]).Length;
            while (piece < ends.Length - 1 && ends[piece] <= start)
            {
                piece++;
            }

            var loss = false;
            for (var k = piece; k < ends.Length && (k == 0 ? 0 : ends[k - 1]) < end; k++)
            {
                loss |= text.Pieces[k].Loss;
            }

            builder.AddSequential(id, loss, Modality.Text);
            start = end;
        }
    }

    /// <summary>
    /// Accumulates tokens with their loss flag, modality and M-RoPE position. Positions are only held once the document
    /// has an image: until then token k sits at (k, k, k), so text documents never pay 12 bytes a token for them.
    /// </summary>
    internal sealed class Builder
    {
        private readonly List<int> _ids = [];
        private readonly List<bool> _loss = [];
        private readonly List<byte> _modality = [];
        private List<(int, int, int)>? _rope;
        private int _next;

        public int Count => _ids.Count;

        /// <summary>Empties the builder for the next document, keeping its lists' capacity (at least <paramref name="capacity"/>).</summary>
        public void Reset(int capacity)
        {
            _ids.Clear();
            _loss.Clear();
            _modality.Clear();
            _rope = null;
            _next = 0;
            _ids.EnsureCapacity(capacity);
            _loss.EnsureCapacity(capacity);
            _modality.EnsureCapacity(capacity);
        }

        /// <summary>Entries a builder may keep between documents; a longer document's lists are let go after it.</summary>
        public bool Oversized => _ids.Capacity > 1 << 18;

        /// <summary>A text's ids tokenized straight onto the end of the document, in sequence, with one loss flag.</summary>
        public void AddEncoded(ITokenizerSession session, string text, bool loss, byte modality)
        {
            var start = _ids.Count;
            session.Encode(text, _ids);
            var added = _ids.Count - start;
            Append(_loss, loss, added);
            Append(_modality, modality, added);
            if (_rope is not null)
            {
                for (var i = 0; i < added; i++)
                {
                    _rope.Add((_next + i, _next + i, _next + i));
                }
            }

            _next += added;
        }

        public void AddSequential(int id, bool loss, byte modality)
        {
            _ids.Add(id);
            _loss.Add(loss);
            _modality.Add(modality);
            _rope?.Add((_next, _next, _next));
            _next++;
        }

        /// <summary>A run of tokens with one loss flag and modality (a text part's ids), in sequence.</summary>
        public void AddSequential(ReadOnlySpan<int> ids, bool loss, byte modality)
        {
            _ids.AddRange(ids);
            Append(_loss, loss, ids.Length);
            Append(_modality, modality, ids.Length);
            if (_rope is not null)
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    _rope.Add((_next + i, _next + i, _next + i));
                }
            }

            _next += ids.Length;
        }

        private static void Append<T>(List<T> list, T value, int count)
        {
            var start = list.Count;
            System.Runtime.InteropServices.CollectionsMarshal.SetCount(list, start + count);
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)[start..].Fill(value);
        }

        /// <summary>Positions from here on are held: every token so far was added in sequence, token k at (k, k, k).</summary>
        private List<(int, int, int)> Rope(long more)
        {
            if (_rope is null)
            {
                _rope = new List<(int, int, int)>((int)Math.Min(int.MaxValue / 2, Math.Max(_ids.Capacity, _ids.Count + more)));
                for (var k = 0; k < _ids.Count; k++)
                {
                    _rope.Add((k, k, k));
                }
            }

            return _rope;
        }

        /// <summary>
        /// A clip (<see cref="VideoTokens"/>): <c>&lt;|image_start|&gt;</c> [<c>&lt;|audio_start|&gt;</c>], then chunk by chunk the
        /// patches' grids at (base + t offset, base + row, base + column) and the audio's tokens at (base + k)×3, then
        /// [<c>&lt;|audio_end|&gt;</c>] <c>&lt;|image_end|&gt;</c>; text resumes one past the largest position used.
        /// </summary>
        public void AddVideo(VideoTokens clip, int imageStart, int imagePad, int imageEnd, int audioStart, int audioPad, int audioEnd)
        {
            var rope = Rope(clip.Count);
            AddSequential(imageStart, false, Modality.Video);
            if (clip.AudioTokens > 0)
            {
                AddSequential(audioStart, false, Modality.Audio);
            }

            var origin = _next;
            var largest = Math.Max(clip.Grid.Rows, clip.Grid.Columns) - 1;
            int group = 0, audio = 0;
            for (var chunk = 1L; group < clip.GroupOffsets.Length || audio < clip.AudioTokens; chunk++)
            {
                var chunkEnd = chunk * clip.ChunkPositions;
                for (; group < clip.GroupOffsets.Length && clip.GroupOffsets[group] < chunkEnd; group++)
                {
                    var t = origin + clip.GroupOffsets[group];
                    largest = Math.Max(largest, clip.GroupOffsets[group]);
                    for (var row = 0; row < clip.Grid.Rows; row++)
                    {
                        for (var column = 0; column < clip.Grid.Columns; column++)
                        {
                            _ids.Add(imagePad);
                            _loss.Add(false);
                            _modality.Add(Modality.Video);
                            rope.Add((t, origin + row, origin + column));
                        }
                    }
                }

                for (; audio < clip.AudioTokens && audio < chunkEnd; audio++)
                {
                    _ids.Add(audioPad);
                    _loss.Add(false);
                    _modality.Add(Modality.Audio);
                    rope.Add((origin + audio, origin + audio, origin + audio));
                    largest = Math.Max(largest, audio);
                }
            }

            _next = origin + largest + 1;
            if (clip.AudioTokens > 0)
            {
                AddSequential(audioEnd, false, Modality.Audio);
            }

            AddSequential(imageEnd, false, Modality.Video);
        }

        /// <summary>Qwen2-VL get_rope_index: grid tokens at (base, base + row, base + col); text resumes after the larger side.</summary>
        public void AddGrid(int padId, ImageGrid grid)
        {
            var rope = Rope(grid.Rows * grid.Columns);
            for (var row = 0; row < grid.Rows; row++)
            {
                for (var column = 0; column < grid.Columns; column++)
                {
                    _ids.Add(padId);
                    _loss.Add(false);
                    _modality.Add(Modality.Image);
                    rope.Add((_next, _next + row, _next + column));
                }
            }

            _next += Math.Max(grid.Rows, grid.Columns);
        }

        public TokenizedDocument Build(string docId, long order, int chunk, int start, int end, IReadOnlyList<string> media)
        {
            var count = end - start;
            // Only a document with an image has positions other than (i, i, i); a continuation chunk is text only
            // and restarts at 0, as every document does.
            var rope = _rope is not null && start == 0 ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rope)[..count].ToArray() : null;
            return new TokenizedDocument(
                docId,
                order,
                chunk,
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids).Slice(start, count).ToArray(),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_loss).Slice(start, count).ToArray(),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_modality).Slice(start, count).ToArray(),
                rope,
                media);
        }
    }
}
