using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using DataForge.Core.Stages.ReadText;

namespace DataForge.Core.Tests;

/// <summary>
/// read-text's one-pass decoding of a JSON string gives what System.Text.Json's JsonElement.GetString gives for the same
/// value, over every escape RFC 8259 allows: written by three writers (the default encoder's \uXXXX for non-ASCII, the
/// relaxed encoder's raw UTF-8, and every char as \uXXXX, surrogate pairs included).
/// </summary>
public sealed class JsonStringTextTests
{
    private const string Alphabet = "ab z09\"\\/\b\f\n\r\t\u0001\u001f\u007f\u00e9\u00df\u4e2d\u6587\u3000\ud83d\ude00\ud800\udc00<>&'+";

    [Fact]
    public void Decoding_the_raw_value_equals_GetString_for_every_escape()
    {
        var relaxed = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Gen.Int[0, 40].SelectMany(length => Gen.Int[0, Alphabet.Length - 1].Array[length]).Sample(
            picks =>
            {
                var text = Pairs(picks);
                foreach (var json in new[] { JsonSerializer.Serialize(text), JsonSerializer.Serialize(text, relaxed), EveryCharEscaped(text) })
                {
                    using var document = JsonDocument.Parse(json);
                    var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(document.RootElement);
                    Assert.Equal(document.RootElement.GetString(), JsonStringText.Decode(raw[1..^1]));
                }
            },
            iter: 2000);
    }

    /// <summary>The picked chars, a high surrogate always followed by its low one (a lone one is repaired before parsing).</summary>
    private static string Pairs(int[] picks)
    {
        var builder = new StringBuilder();
        foreach (var pick in picks)
        {
            var c = Alphabet[pick];
            if (char.IsLowSurrogate(c))
            {
                continue;
            }

            builder.Append(c);
            if (char.IsHighSurrogate(c))
            {
                builder.Append(Alphabet[pick + 1]);
            }
        }

        return builder.ToString();
    }

    private static string EveryCharEscaped(string text) =>
        "\"" + string.Concat(text.Select(c => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))) + "\"";
}
