using System.Text;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// One thread's text encoder: split into pieces (<see cref="PieceScanner"/>), encode each piece's UTF-8 bytes with the
/// BPE (<see cref="ByteLevelBpe"/>): a piece that is a token in one lookup, else from a bounded cache of piece → ids
/// (<see cref="PieceCache"/>), else merged. The text is encoded to UTF-8 once (lone surrogates become U+FFFD, as the
/// scanner's runes do) and each piece is a slice of it, hashed once for both tables. Buffers are reused, so encoding
/// allocates nothing once they have grown; nothing is shared between sessions but the immutable BPE, so sessions on
/// many threads never wait on each other. Not thread-safe: each worker holds its own.
/// </summary>
public sealed class PieceEncoder(ByteLevelBpe bpe, PreTokenizerKind kind)
{
    private readonly PieceCache _cache = new();
    private Rune[] _runes = new Rune[256];
    private int[] _byteStarts = new int[257];
    private byte[] _utf8 = new byte[1024];

    public void Encode(string text, List<int> output)
    {
        var count = Decode(text);
        var runes = _runes.AsSpan(0, count);
        var table = bpe.Table;
        var wholeFirst = bpe.WholePieceFirst;
        for (var start = 0; start < count;)
        {
            var length = PieceScanner.NextPiece(runes, start, kind);
            var piece = _utf8.AsSpan(_byteStarts[start], _byteStarts[start + length] - _byteStarts[start]);
            start += length;
            var hash = TokenTable.Hash(piece);
            if (wholeFirst && table.TryGetId(piece, hash, out var whole))
            {
                output.Add(whole); // most pieces of prose: one lookup, nothing cached
            }
            else if (_cache.TryGet(piece, hash, out var cached))
            {
                output.AddRange(cached);
            }
            else
            {
                var before = output.Count;
                bpe.Merges.Merge(piece, output);
                _cache.Add(piece, hash, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)[before..]);
            }
        }
    }

    /// <summary>
    /// Text to runes (a lone surrogate becomes U+FFFD) with each rune's first byte in the text's UTF-8, which
    /// <see cref="Encoding.UTF8"/> writes with the same replacement (its fallback writes EF BF BD for a lone surrogate).
    /// </summary>
    private int Decode(string text)
    {
        if (_runes.Length < text.Length)
        {
            _runes = new Rune[text.Length];
            _byteStarts = new int[text.Length + 1];
        }

        var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < needed)
        {
            _utf8 = new byte[needed];
        }

        var written = Encoding.UTF8.GetBytes(text, _utf8);
        var count = 0;
        var position = 0;
        var bytes = 0;
        while (position < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(position), out var rune, out var consumed);
            _byteStarts[count] = bytes;
            _runes[count++] = rune;
            position += consumed;
            bytes += rune.Utf8SequenceLength;
        }

        _byteStarts[count] = bytes;
        return bytes == written ? count : throw new InvalidOperationException($"UTF-8 of {written} bytes where the runes need {bytes}");
    }
}
