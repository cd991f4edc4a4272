using System.Text;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// One thread's text encoder: split into pieces (<see cref="PieceScanner"/>), encode each piece with the BPE
/// (<see cref="ByteLevelBpe"/>): a piece that is a token in one lookup, else from a bounded cache of piece → ids (web
/// text repeats its words), else merged. Buffers are reused and the cache keeps its capacity when it is cleared, so encoding
/// allocates only a cache entry per new multi-token piece; nothing is shared between sessions but the immutable BPE, so sessions
/// on many threads never wait on each other. Not thread-safe: each worker holds its own.
/// </summary>
public sealed class PieceEncoder(ByteLevelBpe bpe, PreTokenizerKind kind)
{
    private const int MaxCachedPieces = 1 << 16;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private Rune[] _runes = new Rune[256];
    private int[] _charStarts = new int[257];
    private byte[] _utf8 = new byte[256];
    private char[] _widened = new char[256];

    public void Encode(string text, List<int> output)
    {
        var count = Decode(text);
        var runes = _runes.AsSpan(0, count);
        var cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var start = 0; start < count;)
        {
            var length = PieceScanner.NextPiece(runes, start, kind);
            var widened = Widen(text.AsSpan(_charStarts[start], _charStarts[start + length] - _charStarts[start]));
            start += length;
            if (bpe.TryWholePiece(widened, out var whole))
            {
                output.Add(whole); // most pieces of prose: one lookup, nothing cached
            }
            else if (cacheLookup.TryGetValue(widened, out var cached))
            {
                output.AddRange(cached);
            }
            else
            {
                var before = output.Count;
                bpe.Merges.Merge(widened, output);
                if (_cache.Count >= MaxCachedPieces)
                {
                    _cache.Clear(); // keeps its capacity: a full cache costs no more allocation than a fresh one
                }

                _cache[widened.ToString()] = [.. System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output)[before..]];
            }
        }
    }

    /// <summary>Text to runes (lone surrogates become U+FFFD, as UTF-8 encoding would make them), with char offsets.</summary>
    private int Decode(string text)
    {
        if (_runes.Length < text.Length)
        {
            _runes = new Rune[text.Length];
            _charStarts = new int[text.Length + 1];
        }

        var count = 0;
        var position = 0;
        while (position < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(position), out var rune, out var consumed);
            _charStarts[count] = position;
            _runes[count++] = rune;
            position += consumed;
        }

        _charStarts[count] = position;
        return count;
    }

    private ReadOnlySpan<char> Widen(ReadOnlySpan<char> piece)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(piece.Length);
        if (_utf8.Length < needed)
        {
            _utf8 = new byte[needed];
            _widened = new char[needed];
        }

        var bytes = Encoding.UTF8.GetBytes(piece, _utf8);
        for (var i = 0; i < bytes; i++)
        {
            _widened[i] = (char)_utf8[i];
        }

        return _widened.AsSpan(0, bytes);
    }
}
