using System.Text;

namespace DataForge.Packing.Tokenization;

/// <summary>
/// One thread's text encoder: split into pieces (<see cref="PieceScanner"/>), encode each piece with the BPE
/// (<see cref="ByteLevelBpe"/>), with a bounded cache of piece → ids (web text repeats its words) and reused
/// buffers. Not thread-safe: each worker holds its own.
/// </summary>
public sealed class PieceEncoder(ByteLevelBpe bpe, PreTokenizerKind kind)
{
    private const int MaxCachedPieces = 1 << 16;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly List<int> _pieceIds = [];
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
            var piece = text.AsSpan(_charStarts[start], _charStarts[start + length] - _charStarts[start]);
            if (cacheLookup.TryGetValue(piece, out var cached))
            {
                output.AddRange(cached);
            }
            else
            {
                var widened = Widen(piece);
                _pieceIds.Clear();
                bpe.EncodePiece(widened, _pieceIds);
                output.AddRange(_pieceIds);
                if (_cache.Count >= MaxCachedPieces)
                {
                    _cache.Clear();
                }

                _cache[piece.ToString()] = [.. _pieceIds];
            }

            start += length;
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
